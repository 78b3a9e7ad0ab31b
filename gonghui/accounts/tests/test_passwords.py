"""Password policy: 12 characters from 3 of 4 classes, wherever a password is set
(createstaff, the system admin's account page in ``tests/test_separation_of_duties``,
the demo in ``cli/tests/test_demo``, the account's own password page)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import PASSWORD
from gonghui.accounts.models import Role, User
from gonghui.accounts.services import create_staff
from gonghui.audit.models import AuditEvent
from gonghui.core.errors import DomainError
from gonghui.orgs.models import Org

POLICY = "密码至少12位，并包含大写字母、小写字母、数字、符号中的至少3种"


@pytest.mark.parametrize(
    "password",
    ["Gonghui2026", "gonghuiyicheng2026", "GONGHUI-YICHENG", "短密码Aa1!", "123456789012!@#"],
)
def test_short_or_too_plain_passwords_are_refused_in_chinese(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert POLICY in refused.value.messages


@pytest.mark.parametrize("password", ["Gonghui-2026!", "gonghui2026-yc", "GongHuiYiCheng26"])
def test_twelve_characters_of_three_classes_pass(password):
    validate_password(password)


@pytest.mark.django_db
def test_the_service_refuses_a_weak_password_and_creates_nothing():
    with pytest.raises(DomainError) as refused:
        create_staff(
            by=None,
            username="weak",
            password="gonghui2026",
            org=Org.objects.get(code="411702"),
            role=Role.OFFICER,
        )
    assert refused.value.code == "weak_password" and POLICY in refused.value.message
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_createstaff_refuses_a_weak_password():
    with pytest.raises(CommandError, match="密码至少12位"):
        call_command(
            "createstaff", "weak", "--org", "411702", "--role", "officer", "--password", "abc"
        )
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_an_account_a_command_acts_as_has_no_usable_password():
    user = create_staff(
        by=None,
        username="bench",
        password=None,
        org=Org.objects.get(code="410000"),
        role=Role.OFFICER,
    )
    assert not user.has_usable_password()


def change(client, old: str, new: str, again: str | None = None):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": old, "new_password": new, "new_password_again": again or new},
    )


@pytest.mark.django_db
def test_the_password_page_refuses_a_weak_or_unconfirmed_password(client, yicheng_officer):
    client.force_login(yicheng_officer)
    assert POLICY in change(client, PASSWORD, "gonghui2026").content.decode()
    assert "原密码不正确" in change(client, "Wrong-2026!!", "Huanwei-Zmd-88").content.decode()
    assert "不一致" in change(client, PASSWORD, "Huanwei-Zmd-88", "Huanwei-Zmd-99").content.decode()
    yicheng_officer.refresh_from_db()
    assert yicheng_officer.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_password_change_keeps_this_session_and_is_audited(client, yicheng_officer):
    client.force_login(yicheng_officer)
    assert change(client, PASSWORD, "Huanwei-Zmd-88")["Location"] == reverse("home")
    yicheng_officer.refresh_from_db()
    assert yicheng_officer.check_password("Huanwei-Zmd-88")
    assert client.get(reverse("members:worker_list")).status_code == 200
    assert AuditEvent.objects.filter(
        action="change_password", object_id=str(yicheng_officer.pk)
    ).exists()
