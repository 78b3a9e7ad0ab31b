"""Second factor: roles that reveal personal information, move money or make accounts pass
TOTP (or a recovery code) after the password; API bearer tokens do not."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, recovery_code
from gonghui.accounts.models import RecoveryCode, RecoveryCodes, Role
from gonghui.accounts.services import confirm_second_factor, start_second_factor

pytestmark = pytest.mark.django_db


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


def password_login(username: str) -> Client:
    browser = Client()
    response = browser.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return browser


@pytest.mark.parametrize(
    ("role", "needed"),
    [
        (Role.PROVINCE_ADMIN, True),
        (Role.OFFICER, True),
        (Role.REVIEWER, True),
        (Role.SYSTEM_ADMIN, True),
        (Role.AUDITOR, False),
        (Role.POINT_STAFF, False),
    ],
)
def test_roles_that_reveal_or_manage_accounts_need_a_second_factor(staff, role, needed):
    assert staff("someone", "411702", role).needs_second_factor is needed


def test_after_the_password_an_officer_enrols_before_any_page(yicheng_officer):
    browser = password_login("yicheng")
    asked = browser.get(reverse("members:worker_list"))
    assert asked["Location"] == f"{reverse('accounts:second_factor')}?next=%2Fworkers%2F"
    assert browser.get(asked["Location"])["Location"].startswith(
        reverse("accounts:enrol_second_factor")
    )
    enrol = browser.get(reverse("accounts:enrol_second_factor")).content.decode()
    device = TOTPDevice.objects.get(user=yicheng_officer, confirmed=False)
    assert "<svg" in enrol
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', enrol).group(1)
    assert "otpauth://totp/" in device.config_url and f"secret={secret}" in device.config_url

    shown = browser.post(
        reverse("accounts:enrol_second_factor"), {"token": code_of(device), "next": "/workers/"}
    ).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", shown)
    assert len(set(codes)) == 10
    assert sorted(RecoveryCode.hash_code(code) for code in codes) == sorted(
        RecoveryCode.objects.filter(device__user=yicheng_officer).values_list(
            "code_hash", flat=True
        )
    )
    stored = database_text()
    assert not [code for code in codes if code in stored]
    assert browser.get(reverse("members:worker_list")).status_code == 200
    # Shown once: the enrolment page now sends the account to the code prompt.
    assert browser.get(reverse("accounts:enrol_second_factor"))["Location"] == reverse(
        "accounts:second_factor"
    )


def test_a_wrong_code_keeps_every_page_closed(yicheng_officer):
    device = start_second_factor(user=yicheng_officer)
    confirm_second_factor(user=yicheng_officer, device=device, token=code_of(device))
    browser = password_login("yicheng")
    wrong = f"{(int(code_of(device)) + 1) % 10**6:06d}"
    page = browser.post(reverse("accounts:second_factor"), {"token": wrong}).content.decode()
    assert "动态验证码或恢复码不正确" in page
    assert browser.get(reverse("members:worker_list")).status_code == 302


def test_a_totp_code_lets_the_officer_in(yicheng_officer):
    device = start_second_factor(user=yicheng_officer)
    confirm_second_factor(user=yicheng_officer, device=device, token=code_of(device))
    device.refresh_from_db()
    device.last_t = -1  # the code confirming the device was of this time step: allow it once more
    device.save()
    browser = password_login("yicheng")
    answer = browser.post(
        reverse("accounts:second_factor"), {"token": code_of(device), "next": "/workers/"}
    )
    assert answer["Location"] == "/workers/"
    assert browser.get(reverse("members:worker_list")).status_code == 200


def test_a_recovery_code_works_once(yicheng_officer):
    code = recovery_code(yicheng_officer)
    browser = password_login("yicheng")
    assert browser.post(reverse("accounts:second_factor"), {"token": code}).status_code == 302
    assert browser.get(reverse("members:worker_list")).status_code == 200
    again = password_login("yicheng")
    page = again.post(reverse("accounts:second_factor"), {"token": code}).content.decode()
    assert "动态验证码或恢复码不正确" in page
    assert again.get(reverse("members:worker_list")).status_code == 302


def test_a_used_recovery_code_is_refused_and_a_wrong_one_spends_nothing(yicheng_officer):
    device = start_second_factor(user=yicheng_officer)
    codes = confirm_second_factor(user=yicheng_officer, device=device, token=code_of(device))
    recovery = RecoveryCodes.objects.get(user=yicheng_officer)
    assert not recovery.verify_token("zzzzzzzz")
    recovery.throttle_reset()
    assert recovery.verify_token(f" {codes[3].upper()} ")
    assert not recovery.verify_token(codes[3])
    assert recovery.codes.count() == 9


def database_text() -> str:
    """Every row of every table as text: what a copy of the database would show."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows.extend(str(row) for row in cursor.fetchall())
    return "\n".join(rows)


BEFORE = [("accounts", "0005_login_throttle_expiry"), ("otp_static", "0003_add_timestamps")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_the_clear_codes_of_earlier_enrolments(yicheng_officer):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE[:1])
    static_device = executor.loader.project_state(BEFORE).apps.get_model(
        "otp_static", "StaticDevice"
    )
    device = static_device.objects.create(user_id=yicheng_officer.pk, name="恢复码")
    device.token_set.create(token="abcd2345")
    device.token_set.create(token="efgh6789")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert "abcd2345" not in database_text() and "efgh6789" not in database_text()
    (recovery,) = RecoveryCodes.objects.filter(user=yicheng_officer)
    assert recovery.verify_token("abcd2345")
    assert not recovery.verify_token("abcd2345")
    recovery.throttle_reset()
    assert recovery.verify_token("efgh6789")


def test_an_auditor_needs_no_second_factor(staff):
    staff("auditor", "411702", Role.AUDITOR)
    browser = password_login("auditor")
    assert browser.get(reverse("audit:event_list")).status_code == 200


def test_bearer_tokens_are_unaffected(call, yicheng_officer, make_worker):
    make_worker("张东青", org="411702")
    assert not TOTPDevice.objects.filter(user=yicheng_officer).exists()
    answer = call(yicheng_officer, "get", "/api/workers")
    assert answer.status_code == 200 and answer.json()["count"] == 1
