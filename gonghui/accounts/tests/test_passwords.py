"""Password policy: 12 characters from 3 of 4 classes, wherever a password is set."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import create_staff
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
