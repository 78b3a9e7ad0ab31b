"""Fixtures every app's tests share: the Henan tree (from migrations), staff in it, workers."""

import io
import json
import logging
import os
import random
import re
import sys
import threading
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
from django.core.handlers.base import BaseHandler
from django.http.multipartparser import MultiPartParserError
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.plugin import blocking_manager_key

from gonghui.accounts.models import RecoveryCode, RecoveryCodes, Role, User
from gonghui.accounts.services import create_staff, issue_api_token
from gonghui.core.redaction import RedactPersonalNumbers
from gonghui.members.generate import make_id, make_name
from gonghui.members.services import prepare_worker, save_worker
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import org_refs_visible_to
from gonghui.orgs.services import create_grassroots_union

PASSWORD = "Gonghui-2026!"


# --- the leak net (issue 17, acceptance) ------------------------------------------------
# Every response body (test client and live server: both go through
# BaseHandler.get_response), every log record and every file the code under test writes
# is scanned for a clear resident ID number (with a valid check digit) or a full mobile
# number. A test that finds one fails unless it is marked ``@pytest.mark.reveals`` (an
# audited reveal). Files count when the code that opens them for writing is not a test's
# own (a test's input roster is not a leak); they are scanned at the test's end.

_ID_NUMBER = re.compile(
    rb"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx](?![0-9A-Za-z])"
)
_PHONE = re.compile(rb"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK = b"10X98765432"
_TESTS = (f"{Path(__file__).parent}/conftest.py", "/tests/", "/_pytest/", "/pytest_django/")
_found: list[str] = []
_cost = [0.0]  # seconds spent scanning, printed at the end of the run
_written: set[str] = set()
_lock = threading.Lock()


def _clear_numbers(data: bytes) -> set[bytes]:
    """The clear ID and phone numbers in ``data`` (or in the XML inside it, for an .xlsx)."""
    started = time.perf_counter()
    try:
        return _numbers_in(data)
    finally:
        _cost[0] += time.perf_counter() - started


def _numbers_in(data: bytes) -> set[bytes]:
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                data = b"".join(book.read(n) for n in book.namelist() if n.endswith(".xml"))
        except zipfile.BadZipFile:
            pass
    found = set()
    if b"1" in data:
        for match in _ID_NUMBER.finditer(data):
            n = match.group().upper()
            if (
                _CHECK[sum(int(chr(c)) * w for c, w in zip(n, _WEIGHTS, strict=False)) % 11]
                == n[17]
            ):
                found.add(n)
        found.update(m.group() for m in _PHONE.finditer(data))
    return found


def _note(where: str, data: bytes, *, echo: bytes = b"", since=None) -> None:
    """Record the clear numbers of ``data``, except those the request itself sent (a form
    shown again with the clerk's own input tells the clerk nothing new) and those of a
    response whose request wrote an unmask audit event (an audited reveal)."""
    leaks = _clear_numbers(data)
    if leaks and echo:
        leaks = {n for n in leaks if n not in echo}
    if leaks and since is not None and _audited_reveal(since):
        return
    if leaks:
        masked = ", ".join(sorted(n[:4].decode() + "…" for n in leaks))
        with _lock:
            _found.append(f"{where}: {masked}")


def _audited_reveal(since) -> bool:
    from gonghui.audit.models import AuditEvent

    try:
        return AuditEvent.objects.filter(action="unmask", at__gte=since).exists()
    except RuntimeError:  # a test without database access wrote no audit row
        return False


def _scanned_stream(chunks, where: str):
    seen = []
    for chunk in chunks:
        seen.append(chunk if isinstance(chunk, bytes) else str(chunk).encode())
        yield chunk
    _note(where, b"".join(seen))


_get_response = BaseHandler.get_response


def _scanning_get_response(self, request):
    started = timezone.now()
    response = _get_response(self, request)
    where = f"{request.method} {request.path}"
    if getattr(response, "streaming", False):
        response.streaming_content = _scanned_stream(response.streaming_content, where)
    else:
        sent = unquote_to_bytes(request.META.get("QUERY_STRING", "").replace("+", " "))
        if request.method == "POST":
            if request.content_type == "application/json":
                sent += request.body
            else:
                try:
                    sent += " ".join(v for vs in request.POST.lists() for v in vs[1]).encode()
                except MultiPartParserError:  # a body refused unread: nothing to echo
                    pass
        _note(where, response.content, echo=sent, since=started)
    return response


BaseHandler.get_response = _scanning_get_response


class _LogNet(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:
            text = str(record.msg)
        _note(f"日志 {record.name}", text.encode())


# Writers a test calls to make its input (a roster to import), not outputs of the system.
_INPUT_WRITERS = ("/gonghui/core/tabular.py", "/gonghui/members/generate.py")


def _file_writes(event: str, args: tuple) -> None:
    if event != "open" or not isinstance(args[0], str | Path):
        return
    mode, flags = args[1], args[2]
    if not ((mode and any(c in mode for c in "wax+")) or (mode is None and flags & 0o3)):
        return
    # The project's function the test itself called decides: a table writer makes input.
    frame, called = sys._getframe(1), ""
    while frame is not None:
        name = frame.f_code.co_filename
        if any(t in name for t in _TESTS):
            if called.endswith(_INPUT_WRITERS) or not called:
                return
            break
        if "/gonghui/" in name:
            called = name
        frame = frame.f_back
    if called:
        _written.add(str(args[0]))


def pytest_configure(config):
    config.addinivalue_line("markers", "reveals: the test shows clear numbers in an audited reveal")
    net = _LogNet()
    net.addFilter(RedactPersonalNumbers())  # what the project's own log handlers apply
    for name in ("", "django"):
        logging.getLogger(name).addHandler(net)
    sys.addaudithook(_file_writes)


def pytest_terminal_summary(terminalreporter):
    terminalreporter.write_line(f"明文号码检查用时 {_cost[0]:.2f} 秒")


@pytest.fixture(autouse=True)
def no_clear_numbers_leak(request):
    """Fail the test if a response, log record or written file showed a clear number."""
    _found.clear()
    _written.clear()
    yield
    for name in sorted(_written):
        path = Path(name)
        if path.is_file() and not name.endswith((".sqlite3", "-wal", "-shm", "-journal")):
            _note(f"文件 {path.name}", path.read_bytes())
    if _found and request.node.get_closest_marker("reveals") is None:
        found = list(dict.fromkeys(_found))
        pytest.fail("明文身份证号或手机号外泄：\n" + "\n".join(found[:10]), pytrace=False)


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
    device = RecoveryCodes.objects.filter(user=user).first()
    device = device or RecoveryCodes.objects.create(user=user, name="恢复码", confirmed=True)
    code = RecoveryCode.new_code()
    device.codes.create(code_hash=RecoveryCode.hash_code(code))
    return code


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


SHOTS = Path(os.environ.get("GONGHUI_SHOTS", "/tmp/gonghui-shots"))


@pytest.fixture
def console_page(chromium, request):
    """A staff member's screen (1366×800, zh-CN) whose ``page.step(name)`` saves a numbered
    screenshot under $GONGHUI_SHOTS/<test>/ (default /tmp/gonghui-shots), one per step of
    the job, so a run leaves the pictures a reviewer looks at."""
    page = chromium.new_page(viewport={"width": 1366, "height": 800}, locale="zh-CN")
    folder = SHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    taken = []

    def step(name: str) -> Path:
        taken.append(name)
        path = folder / f"{len(taken):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    page.step = step
    yield page
    page.close()
