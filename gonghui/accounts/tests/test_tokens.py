"""API tokens (issue 19): issued on /accounts/tokens/ or by ``gonghui createtoken``, shown
once and stored hashed, revoked by their account or by a system admin over it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from gonghui.accounts.models import ApiToken, Role
from gonghui.accounts.services import issue_api_token, revoke_api_token, set_staff_active
from gonghui.audit.models import AuditEvent
from gonghui.core.errors import DomainError, PermissionDenied

pytestmark = pytest.mark.django_db

TOKEN_LIST = reverse("accounts:token_list")


def api_status(client, key: str) -> int:
    return client.get("/api/workers", headers={"Authorization": f"Bearer {key}"}).status_code


def revoke_url(token: ApiToken) -> str:
    return reverse("accounts:token_revoke", args=[token.pk])


@pytest.fixture
def sysadmin(staff):
    return staff("sysadmin", "411700", Role.SYSTEM_ADMIN)


def test_a_token_is_issued_on_the_page_shown_once_and_stored_hashed(client, yicheng_officer):
    client.force_login(yicheng_officer)
    issued = client.post(TOKEN_LIST, {"name": " 考勤机对接 "})
    assert "no-store" in issued["Cache-Control"]
    html = issued.content.decode()
    key = html.split('<code id="new-token">', 1)[1].split("</code>", 1)[0]
    token = ApiToken.objects.get(user=yicheng_officer)
    assert token.name == "考勤机对接" and token.key_hash == ApiToken.hash_key(key)
    assert key not in str(list(ApiToken.objects.values_list()))
    listing = client.get(TOKEN_LIST).content.decode()
    assert "考勤机对接" in listing and key not in listing
    event = AuditEvent.objects.get(action="issue_token")
    assert event.after == {"token": token.pk, "name": "考勤机对接"}
    assert event.actor_id == yicheng_officer.pk
    assert api_status(client, key) == 200


def test_a_nameless_token_is_refused(client, yicheng_officer):
    client.force_login(yicheng_officer)
    assert "这个字段是必填项" in client.post(TOKEN_LIST, {"name": "   "}).content.decode()
    with pytest.raises(DomainError, match="请填写令牌用途"):
        issue_api_token(user=yicheng_officer, name="   ")
    assert not ApiToken.objects.exists()


def test_a_revoked_token_is_refused_by_the_api(client, yicheng_officer):
    key = issue_api_token(user=yicheng_officer, name="脚本")
    token = ApiToken.objects.get(user=yicheng_officer)
    assert api_status(client, key) == 200
    client.force_login(yicheng_officer)
    assert client.post(revoke_url(token))["Location"] == TOKEN_LIST
    assert api_status(client, key) == 401
    event = AuditEvent.objects.get(action="revoke_token")
    assert (event.actor_id, event.before) == (
        yicheng_officer.pk,
        {"token": token.pk, "name": "脚本"},
    )


def test_the_system_admin_lists_and_revokes_its_subtrees_tokens(client, sysadmin, yicheng_officer):
    key = issue_api_token(user=yicheng_officer, name="驿城对接")
    token = ApiToken.objects.get(user=yicheng_officer)
    client.force_login(sysadmin)
    listing = client.get(TOKEN_LIST).content.decode()
    managed = listing.split('id="managed-tokens"', 1)[1]
    assert "yicheng" in managed and "驿城对接" in managed and revoke_url(token) in managed
    client.post(revoke_url(token))
    assert api_status(client, key) == 401
    assert AuditEvent.objects.get(action="revoke_token").actor_id == sysadmin.pk


def test_another_orgs_admin_or_a_colleague_gets_404_and_revokes_nothing(
    client, staff, yicheng_officer
):
    key = issue_api_token(user=yicheng_officer, name="驿城对接")
    token = ApiToken.objects.get(user=yicheng_officer)
    for user in (
        staff("luoyang_sys", "410300", Role.SYSTEM_ADMIN),
        staff("luoyang_officer", "410300"),
        staff("colleague", "411702"),
        staff("province", "410000", Role.PROVINCE_ADMIN),
    ):
        client.force_login(user)
        assert client.post(revoke_url(token)).status_code == 404
        assert "驿城对接" not in client.get(TOKEN_LIST).content.decode()
        with pytest.raises(PermissionDenied):
            revoke_api_token(by=user, token=token)
    assert api_status(client, key) == 200
    assert not AuditEvent.objects.filter(action="revoke_token").exists()


def test_createtoken_prints_the_token_once(client, yicheng_officer):
    out, err = io.StringIO(), io.StringIO()
    call_command("createtoken", "yicheng", "--name", "数据对接", stdout=out, stderr=err)
    key = out.getvalue().strip()
    assert "只显示这一次" in err.getvalue() and key not in err.getvalue()
    assert ApiToken.objects.get(user=yicheng_officer).key_hash == ApiToken.hash_key(key)
    assert api_status(client, key) == 200


def test_createtoken_refuses_unknown_and_deactivated_accounts(sysadmin, yicheng_officer):
    with pytest.raises(CommandError, match="没有名为“nobody”"):
        call_command("createtoken", "nobody", "--name", "x")
    set_staff_active(by=sysadmin, user=yicheng_officer, active=False)
    with pytest.raises(CommandError, match="已停用"):
        call_command("createtoken", "yicheng", "--name", "x")
    assert not ApiToken.objects.exists()
