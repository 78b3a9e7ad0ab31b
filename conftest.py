"""Fixtures every app's tests share: the Henan tree (from migrations), staff in it, workers."""

import json
import random

import pytest
from pytest_django.plugin import blocking_manager_key

from gonghui.accounts.models import Role
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
