"""三员分立: the system admin manages accounts and sees no personal information; the auditor
reads the audit log and changes nothing; the province admin works on the data and makes no
accounts. Every role that moves money passes a second factor."""

import random

import pytest
from django.urls import reverse

from gonghui.accounts.models import ROLE_PERMISSIONS, User
from gonghui.accounts.services import create_staff, reset_second_factor
from gonghui.audit.models import AuditEvent
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.members.generate import make_id
from gonghui.members.services import prepare_worker, reveal_id_number, save_worker
from gonghui.mutualaid.services import REVIEWERS, STAFF
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import org_refs_visible_to
from gonghui.rights.services import CASE_WORKERS

pytestmark = pytest.mark.django_db

STRONG = "Yicheng-2026!"


@pytest.fixture
def sysadmin(staff):
    return staff("sysadmin", "411700", "system_admin")


@pytest.fixture
def auditor(staff):
    return staff("auditor", "411700", "auditor")


def new_account(by, username: str, org: str = "411702", role: str = "officer") -> User:
    return create_staff(
        by=by, username=username, password=STRONG, org=Org.objects.get(code=org), role=role
    )


def test_the_system_admin_makes_accounts_in_its_subtree_only(sysadmin):
    made = new_account(sysadmin, "new_officer")
    assert made.org.code == "411702"
    with pytest.raises(PermissionDenied):
        new_account(sysadmin, "luoyang_officer", org="410300")
    assert not User.objects.filter(username="luoyang_officer").exists()


def test_the_system_admin_makes_accounts_on_its_page(client, sysadmin):
    client.force_login(sysadmin)
    assert client.get(reverse("home"))["Location"] == reverse("accounts:staff_list")
    answer = client.post(
        reverse("accounts:staff_list"),
        {"username": "weak", "password": "gonghui2026", "org": "411702", "role": "officer"},
    )
    assert "密码至少12位" in answer.content.decode()
    answer = client.post(
        reverse("accounts:staff_list"),
        {"username": "new_officer", "password": STRONG, "org": "411702", "role": "officer"},
    )
    assert answer.status_code == 302
    assert "new_officer" in client.get(reverse("accounts:staff_list")).content.decode()
    assert not User.objects.filter(username="weak").exists()


def test_the_system_admin_cannot_reveal_or_read_personal_information(
    client, call, sysadmin, make_worker
):
    worker = make_worker("张东青", org="411702")
    with pytest.raises(PermissionDenied):
        reveal_id_number(by=sysadmin, worker=worker)
    client.force_login(sysadmin)
    assert client.get(reverse("members:worker_reveal_id", args=[worker.pk])).status_code == 404
    assert client.get(reverse("members:worker_list")).status_code == 404
    assert client.get(reverse("audit:event_list")).status_code == 404
    answer = call(sysadmin, "get", "/api/workers")
    assert answer.status_code == 200 and answer.json() == {"items": [], "count": 0}
    assert not {"browse", "unmask", "view_audit"} & ROLE_PERMISSIONS["system_admin"]


def test_the_province_admin_makes_no_accounts(client, province_admin, yicheng_officer):
    with pytest.raises(PermissionDenied):
        new_account(province_admin, "made_by_admin")
    with pytest.raises(PermissionDenied):
        reset_second_factor(by=province_admin, user=yicheng_officer)
    client.force_login(province_admin)
    assert client.get(reverse("accounts:staff_list")).status_code == 404
    assert not User.objects.filter(username="made_by_admin").exists()


def test_the_auditor_reads_the_audit_log_and_changes_nothing(
    client, auditor, make_worker, yicheng_officer
):
    worker = make_worker("张东青", org="411702")
    client.force_login(auditor)
    log = client.get(reverse("audit:event_list"))
    assert log.status_code == 200 and "张东青" in log.content.decode()
    with pytest.raises(PermissionDenied):
        new_account(auditor, "made_by_auditor")
    with pytest.raises(PermissionDenied):
        reset_second_factor(by=auditor, user=yicheng_officer)
    with pytest.raises(PermissionDenied):
        reveal_id_number(by=auditor, worker=worker)
    refs = org_refs_visible_to(auditor)
    prepared, errors = prepare_worker(
        name="李四",
        id_number=make_id(random.Random(3), "411702"),
        phone="13800138001",
        org_code="411702",
        employer_name="",
        uscc="",
        categories="环卫工人",
        joined_on="",
        refs=refs,
    )
    assert not errors
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError):
        save_worker(by=auditor, prepared=prepared, refs=refs)
    assert AuditEvent.objects.count() == before
    assert client.get(reverse("accounts:staff_list")).status_code == 404


def test_a_reset_second_factor_ends_the_accounts_verified_sessions(
    client, sysadmin, yicheng_officer
):
    client.force_login(yicheng_officer)
    assert client.get(reverse("members:worker_list")).status_code == 200
    reset_second_factor(by=sysadmin, user=yicheng_officer)
    answer = client.get(reverse("members:worker_list"))
    assert answer.status_code == 302 and reverse("accounts:login") in answer["Location"]
    event = AuditEvent.objects.get(action="reset_second_factor")
    assert (event.object_id, event.actor_id) == (str(yicheng_officer.pk), sysadmin.pk)


def test_every_role_that_moves_money_passes_a_second_factor(staff):
    for role in STAFF | REVIEWERS | CASE_WORKERS:
        assert staff(f"money_{role}", "411702", role).needs_second_factor, role
