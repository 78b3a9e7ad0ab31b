"""三员分立: the system admin changes other accounts of its subtree (role, org, active), each
change audited; nobody changes their own account, and no admin makes a peer admin."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from gonghui.accounts.models import Role, User
from gonghui.accounts.services import change_staff, create_staff, set_staff_active
from gonghui.audit.models import AuditEvent
from gonghui.core.errors import PermissionDenied
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(staff):
    return staff("sysadmin", "411700", Role.SYSTEM_ADMIN)


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def refused(code: str, write, **kwargs) -> None:
    """``write`` is refused with ``code`` and leaves no audit row."""
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied) as refusal:
        write(**kwargs)
    assert refusal.value.code == code
    assert AuditEvent.objects.count() == before


def change_refused(code: str, *, by: User, user: User, role: str, to: str) -> None:
    refused(code, change_staff, by=by, user=user, role=role, org=org(to))


def test_the_system_admin_changes_role_and_org_audited(sysadmin, yicheng_officer):
    change_staff(by=sysadmin, user=yicheng_officer, role=Role.REVIEWER, org=org("411700"))
    yicheng_officer.refresh_from_db()
    assert (yicheng_officer.role, yicheng_officer.org.code) == (Role.REVIEWER, "411700")
    event = AuditEvent.objects.get(action="change_staff")
    assert (event.actor_id, event.object_id) == (sysadmin.pk, str(yicheng_officer.pk))
    assert event.before == {"role": "officer", "org": "411702"}
    assert event.after == {"role": "reviewer", "org": "411700"}


def test_an_account_is_not_moved_out_of_the_subtree(sysadmin, yicheng_officer):
    change_refused("forbidden", by=sysadmin, user=yicheng_officer, role="officer", to="410300")
    yicheng_officer.refresh_from_db()
    assert yicheng_officer.org.code == "411702"


def test_an_account_outside_the_subtree_is_not_changed(sysadmin, luoyang_officer):
    change_refused("forbidden", by=sysadmin, user=luoyang_officer, role="reviewer", to="411702")
    refused("forbidden", set_staff_active, by=sysadmin, user=luoyang_officer, active=False)


def test_nobody_changes_their_own_account(sysadmin, staff):
    change_refused("own_account", by=sysadmin, user=sysadmin, role="system_admin", to="410000")
    change_refused("own_account", by=sysadmin, user=sysadmin, role="province_admin", to="411700")
    refused("own_account", set_staff_active, by=sysadmin, user=sysadmin, active=False)


def test_a_system_admin_makes_admins_below_its_org_only(sysadmin, yicheng_officer):
    change_refused(
        "peer_admin", by=sysadmin, user=yicheng_officer, role="system_admin", to="411700"
    )
    refused(
        "peer_admin",
        create_staff,
        by=sysadmin,
        username="peer",
        password=PASSWORD,
        org=org("411700"),
        role="system_admin",
    )
    below = change_staff(by=sysadmin, user=yicheng_officer, role="system_admin", org=org("411702"))
    assert below.role == Role.SYSTEM_ADMIN
    # The admin below manages its own subtree and not the one above it.
    refused("forbidden", set_staff_active, by=below, user=sysadmin, active=False)


@pytest.mark.parametrize("role", [Role.PROVINCE_ADMIN, Role.OFFICER, Role.AUDITOR])
def test_other_roles_change_no_account(staff, yicheng_officer, role):
    other = staff("other", "410000", role)
    change_refused("forbidden", by=other, user=yicheng_officer, role="reviewer", to="411702")
    refused("forbidden", set_staff_active, by=other, user=yicheng_officer, active=False)


def test_a_deactivated_account_cannot_log_in_or_use_its_tokens(
    call, client, sysadmin, yicheng_officer
):
    assert call(yicheng_officer, "get", "/api/workers").status_code == 200
    session = Client()
    session.force_login(yicheng_officer)
    set_staff_active(by=sysadmin, user=yicheng_officer, active=False)

    assert call(yicheng_officer, "get", "/api/workers").status_code == 401
    answer = client.post(reverse("accounts:login"), {"username": "yicheng", "password": PASSWORD})
    assert answer.status_code == 200 and "_auth_user_id" not in client.session
    assert session.get(reverse("members:worker_list")).status_code == 302
    event = AuditEvent.objects.get(action="deactivate_staff")
    assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})

    set_staff_active(by=sysadmin, user=yicheng_officer, active=True)
    assert call(yicheng_officer, "get", "/api/workers").status_code == 200
    assert AuditEvent.objects.filter(action="reactivate_staff").count() == 1
    set_staff_active(by=sysadmin, user=yicheng_officer, active=True)
    assert AuditEvent.objects.filter(action="reactivate_staff").count() == 1


def test_the_staff_pages_change_an_account(client, sysadmin, yicheng_officer):
    client.force_login(sysadmin)
    listing = client.get(reverse("accounts:staff_list")).content.decode()
    detail = reverse("accounts:staff_detail", args=[yicheng_officer.pk])
    assert f'href="{detail}"' in listing
    answer = client.post(detail, {"role": "reviewer", "org_code": "410300"})
    assert "“410300”不存在或不在您的管辖范围内" in answer.content.decode()  # the picker's
    assert User.objects.get(pk=yicheng_officer.pk).role == Role.OFFICER
    answer = client.post(detail, {"role": "reviewer", "org_code": "411700"})
    assert answer["Location"] == detail
    assert User.objects.get(pk=yicheng_officer.pk).role == Role.REVIEWER

    active = reverse("accounts:staff_active", args=[yicheng_officer.pk])
    assert client.post(active, {"active": "0"})["Location"] == detail
    page = client.get(detail).content.decode()
    assert '<dd id="account-state">停用</dd>' in page and "重新启用" in page
    assert not User.objects.get(pk=yicheng_officer.pk).is_active


def test_the_own_account_page_offers_no_change(client, sysadmin):
    client.force_login(sysadmin)
    own = reverse("accounts:staff_detail", args=[sysadmin.pk])
    page = client.get(own).content.decode()
    assert "须由其他系统管理员修改" in page and "停用账号" not in page
    client.post(reverse("accounts:staff_active", args=[sysadmin.pk]), {"active": "0"})
    assert "不能修改自己的账号" in client.get(own).content.decode()
    assert User.objects.get(pk=sysadmin.pk).is_active


def test_the_pages_are_404_for_a_sibling_admin_and_other_roles(
    client, staff, yicheng_officer, province_admin
):
    for user in (staff("luoyang_sys", "410300", Role.SYSTEM_ADMIN), province_admin):
        client.force_login(user)
        assert (
            client.get(reverse("accounts:staff_detail", args=[yicheng_officer.pk])).status_code
            == 404
        )
        answer = client.post(
            reverse("accounts:staff_active", args=[yicheng_officer.pk]), {"active": "0"}
        )
        assert answer.status_code == 404
    assert User.objects.get(pk=yicheng_officer.pk).is_active


def test_the_system_admins_org_field_offers_its_own_subtree(client, sysadmin, luoyang_officer):
    """The system admin reads no registry, yet its account forms pick orgs: the picker's
    list answers it with its own subtree only, and an ambiguous text creates nobody."""
    client.force_login(sysadmin)
    pick = reverse("orgs:pick")
    answer = client.get(pick, {"field": "org", "among": "accounts", "org": "ycq"}).content.decode()
    assert 'name="org_pick" value="411702"' in answer
    answer = client.get(pick, {"field": "org", "among": "accounts", "org": "4103"})
    assert (
        'value="4103' not in answer.content.decode() and "没有匹配的组织" in answer.content.decode()
    )
    assert client.get(pick, {"field": "org", "org": "ycq"}).status_code == 404  # no registry
    staff_list = reverse("accounts:staff_list")
    assert '"among": "accounts"' in client.get(staff_list).content.decode()
    form = {"username": "new_one", "password": "Gonghui-2026!x", "role": "officer"}
    answer = client.post(staff_list, {**form, "org": "4117"})
    assert "对应多个组织" in answer.content.decode() and "（411702）" in answer.content.decode()
    assert not User.objects.filter(username="new_one").exists()
    assert client.post(staff_list, {**form, "org": "ycq"})["Location"] == staff_list
    assert User.objects.get(username="new_one").org.code == "411702"
    client.force_login(luoyang_officer)
    assert client.get(pick, {"field": "org", "among": "accounts", "org": "ycq"}).status_code == 404
