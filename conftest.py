"""Fixtures every app's tests share: the Henan tree (from migrations), staff in it, workers."""

import json
import random

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.plugin import blocking_manager_key

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import create_staff, issue_api_token
from gonghui.members.generate import make_id, make_name
from gonghui.members.services import prepare_worker, save_worker
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import org_refs_visible_to
from gonghui.orgs.services import create_grassroots_union

PASSWORD = "Gonghui-2026!"


@pytest.fixture(scope="session", autouse=True)
def no_connection_outlives_the_run(django_db_setup, django_db_blocker):
    """Server and race tests run requests in threads; a thread that ends holding a database
    connection keeps it open, and PostgreSQL then refuses to drop the test database ("is
    being accessed by other users"). End such sessions before the drop."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Staff are created in nearly every test; the production hasher would dominate run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put back the tree that migrations create once a transactional test has flushed it.

    Runs after every fixture's teardown (the flush included), so each later test
    sees the database that ``gonghui migrate`` leaves.
    """
    result = yield
    if nextitem is None:  # the session is ending and the test database is gone
        return result
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    if (
        "transactional_db" in names
        or "live_server" in names
        or (marker and marker.kwargs.get("transaction"))
    ):
        from gonghui.orgs.divisions import create_federations
        from gonghui.orgs.models import Org

        with item.config.stash[blocking_manager_key].unblock():
            create_federations(Org)
    return result


@pytest.fixture
def file_database(tmp_path):
    """The test database where other connections (threads, a server process) reach it.

    PostgreSQL's test database already is. SQLite's in-memory one is shared
    between threads only through the shared cache, whose table locks fail at
    once instead of queueing, so it is set aside (closing it would destroy it)
    and this connection, and every thread's new one, points at a migrated file
    for the test.
    """
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    in_memory, name = connection.connection, connection.settings_dict["NAME"]
    connection.connection = None
    connection.settings_dict["NAME"] = str(tmp_path / "shared.sqlite3")
    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = in_memory


def enrolled_device(user: User) -> TOTPDevice:
    """The account's confirmed TOTP device, enrolled on first use, as the enrolment page
    would (``accounts/tests/test_second_factor.py`` goes through that page)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="pytest", confirmed=True)


def recovery_code(user: User) -> str:
    """A fresh recovery code of an enrolled account, for a browser to type after the
    password (a TOTP code would be refused when one login follows another within 30 s)."""
    enrolled_device(user)
    device = StaticDevice.objects.filter(user=user).first()
    device = device or StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    return device.token_set.create(token=StaticToken.random_token()).token


class VerifiedClient(Client):
    """Django's test client whose ``force_login`` also passes the second factor, as the
    console's login does once the code is typed; tests of the second factor itself use
    a plain ``Client``."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if user.needs_second_factor:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = enrolled_device(user).persistent_id
            session.save()


@pytest.fixture
def client():
    return VerifiedClient()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """In a browser on the login page: the password, then a recovery code when the
    account's role needs a second factor."""
    user = User.objects.get(username=username)
    code = recovery_code(user) if user.needs_second_factor else None
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    if code is not None:
        page.wait_for_url("**/accounts/2fa/**")
        page.fill("#id_token", code)
        page.click("main button[type=submit]")  # the header's 退出 is a submit button too


@pytest.fixture
def staff(db):
    """Make a staff account: ``staff("yicheng", "411702")``."""

    def make(username: str, org_code: str, role: str = Role.OFFICER):
        org = Org.objects.get(code=org_code)
        return create_staff(by=None, username=username, password=PASSWORD, org=org, role=role)

    return make


@pytest.fixture
def province_admin(staff):
    return staff("province", "410000", Role.PROVINCE_ADMIN)


@pytest.fixture
def zhumadian_officer(staff):
    return staff("zhumadian", "411700")


@pytest.fixture
def yicheng_officer(staff):
    return staff("yicheng", "411702")


@pytest.fixture
def luoyang_officer(staff):
    return staff("luoyang", "410300")


@pytest.fixture
def make_worker(province_admin):
    """Create a worker through the real service: ``make_worker("张东青", org="411702")``."""
    rng = random.Random(42)
    refs = org_refs_visible_to(province_admin)

    def make(
        name: str | None = None,
        *,
        org: str = "411702",
        categories: str = "环卫工人",
        joined_on: str = "2020-01-01",
        id_number: str | None = None,
        employer=None,
    ):
        prepared, errors = prepare_worker(
            name=name or make_name(rng),
            id_number=id_number or make_id(rng, "411702"),
            phone="13800138000",
            org_code=org,
            employer_name=employer[0] if employer else "",
            uscc=employer[1] if employer else "",
            categories=categories,
            joined_on=joined_on,
            refs=refs,
        )
        assert not errors, errors
        return save_worker(by=province_admin, prepared=prepared, refs=refs)

    return make


@pytest.fixture
def grassroots(province_admin):
    """A grassroots union under 驿城区 belonging to a made-up employer."""
    county = Org.objects.get(code="411702")
    return create_grassroots_union(by=province_admin, county=county, name="驿城区环卫处工会")


@pytest.fixture
def an_employer():
    return ("驻马店市环卫服务有限公司", make_uscc(random.Random(7)))


@pytest.fixture
def call(client):
    """``call(user, "get", path, query)`` / ``call(user, "post", path, body)`` with a bearer token."""
    tokens: dict[int, str] = {}

    def call(user, method: str, path: str, data: dict | None = None):
        headers = {}
        if user is not None:
            if user.pk not in tokens:
                tokens[user.pk] = issue_api_token(user=user, name="pytest")
            headers["Authorization"] = f"Bearer {tokens[user.pk]}"
        if method == "get":
            return client.get(path, data=data or {}, headers=headers)
        return getattr(client, method)(
            path, data=json.dumps(data or {}), content_type="application/json", headers=headers
        )

    return call


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def chromium():
    """Debian's chromium driven by Playwright (scripts/test.sh installs it; never skipped)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
