import pytest

from gonghui.audit.models import AuditEvent, AuditLogIsAppendOnly
from gonghui.core.errors import DomainError
from gonghui.members.services import reveal_id_number

pytestmark = pytest.mark.django_db


def test_audit_rows_cannot_be_edited_or_deleted(make_worker):
    make_worker("张东青")
    event = AuditEvent.objects.filter(action="create", object_type="worker").get()
    event.action = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "create"


def test_creating_a_worker_is_audited_with_masked_values_only(make_worker, province_admin):
    worker = make_worker("张东青")
    event = AuditEvent.objects.get(action="create", object_type="worker")
    assert event.actor == province_admin
    assert event.object_id == str(worker.pk)
    assert event.after["id"] == worker.id_masked
    assert event.org_path == "410000/411700/411702/"


def test_unmasking_is_audited_and_needs_permission_and_scope(
    make_worker, yicheng_officer, staff, luoyang_officer
):
    worker = make_worker("张东青")
    number = reveal_id_number(by=yicheng_officer, worker=worker, client_ip="10.0.0.8")
    assert number.endswith(worker.id_masked[-1:]) and number[:4] == worker.id_masked[:4]
    assert "*" not in number
    event = AuditEvent.objects.get(action="unmask")
    assert (event.actor, event.client_ip) == (yicheng_officer, "10.0.0.8")
    auditor = staff("auditor", "411700", "auditor")
    for user in (auditor, luoyang_officer):
        with pytest.raises(DomainError):
            reveal_id_number(by=user, worker=worker)
    assert AuditEvent.objects.filter(action="unmask").count() == 1


def test_audit_log_is_scoped_like_everything_else(make_worker, staff):
    make_worker("张东青", org="411702")
    make_worker("李四", org="410302")
    luoyang_auditor = staff("ly_auditor", "410300", "auditor")
    paths = set(AuditEvent.objects.visible_to(luoyang_auditor).values_list("org_path", flat=True))
    assert paths and all(p.startswith("410000/410300/") for p in paths)
