"""The audit log page: only for view_audit, only the user's subtree."""

import pytest
from django.urls import reverse

from gonghui.accounts.models import Role
from gonghui.audit.services import record_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(client, make_worker, yicheng_officer, luoyang_officer):
    """Creates (by the province admin) and unmasks in 驿城区 and 洛阳."""
    yicheng = make_worker("张东青", org="411702")
    luoyang = make_worker("王洛阳", org="410300")
    for user, worker in ((yicheng_officer, yicheng), (luoyang_officer, luoyang)):
        client.force_login(user)
        client.post(reverse("members:worker_reveal_id", args=[worker.pk]))
    client.logout()
    return yicheng, luoyang


def rows(response):
    return [(e.action, e.org_path) for e in response.context["page_obj"]]


def test_auditor_sees_only_the_events_of_their_subtree(client, events, staff):
    client.force_login(staff("shenji", "411700", Role.AUDITOR))
    response = client.get(reverse("audit:event_list"))
    seen = rows(response)
    assert ("unmask", "410000/411700/411702/") in seen
    assert all(path.startswith("410000/411700/") for _, path in seen)
    html = response.content.decode()
    assert "查看完整身份证号" in html and "yicheng" in html and "luoyang" not in html


def test_audit_log_filters_by_action(client, events, staff):
    client.force_login(staff("shenji", "410000", Role.AUDITOR))
    response = client.get(reverse("audit:event_list"), {"action": "unmask"})
    assert {a for a, _ in rows(response)} == {"unmask"}
    assert len(rows(response)) == 2


def test_audit_log_pages_by_50(client, make_worker, province_admin):
    for _ in range(51):
        make_worker(org="411702")
    client.force_login(province_admin)
    first = client.get(reverse("audit:event_list"), {"action": "create"})
    assert len(first.context["page_obj"]) == 50
    assert (
        len(
            client.get(reverse("audit:event_list"), {"action": "create", "page": 2}).context[
                "page_obj"
            ]
        )
        >= 1
    )


@pytest.mark.parametrize("role", [Role.OFFICER, Role.REVIEWER])
def test_roles_without_view_audit_get_404(client, staff, role):
    client.force_login(staff("someone", "410000", role))
    assert client.get(reverse("audit:event_list")).status_code == 404
    assert "审计日志" not in client.get(reverse("members:worker_list")).content.decode()


def test_audit_link_is_in_the_nav_for_auditors(client, staff):
    client.force_login(staff("shenji", "411700", Role.AUDITOR))
    assert "审计日志" in client.get(reverse("members:worker_list")).content.decode()


def test_each_kind_of_reveal_reads_as_what_was_shown(client, staff, yicheng_officer):
    for object_type in ("worker", "wage_case"):
        record_event(
            actor=yicheng_officer,
            action="unmask",
            object_type=object_type,
            object_id="1",
            org_path="410000/411700/411702/",
        )
    record_event(
        actor=yicheng_officer,
        action="deactivate_staff",
        object_type="user",
        object_id="2",
        org_path="410000/411700/411702/",
    )
    client.force_login(staff("shenji", "411700", Role.AUDITOR))
    html = client.get(reverse("audit:event_list")).content.decode()
    assert "查看完整身份证号" in html and "查看涉案职工姓名电话" in html and "停用账号" in html
