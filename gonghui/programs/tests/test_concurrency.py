"""Check-ins racing each other through a real server process (``gonghui serve``, 4 workers).

The server is another process, so it must share the test's database: on
PostgreSQL the test database itself; on SQLite, whose test database is in
memory, a file this test creates (the in-memory one is set aside meanwhile).
``transaction=True`` commits what the test writes so the server sees it.
"""

import uuid
from collections import Counter
from urllib.parse import quote

import pytest
from django.db import connection

from gonghui.accounts.models import Role
from gonghui.accounts.services import issue_api_token
from gonghui.core.benchkit import server_env, serving
from gonghui.members.cards import issue_card_token
from gonghui.members.generate import roster_rows, write_roster_csv
from gonghui.members.importers import import_workers
from gonghui.members.selectors import workers_visible_to
from gonghui.programs.bench import fire
from gonghui.programs.budget import spent_fen
from gonghui.programs.models import ServiceRecord
from gonghui.programs.rollups import ROLLUPS

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 100


def _postgres_url(db: dict) -> str:
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def shared_database(file_database):
    """DATABASE_URL of the database both this test and the server use."""
    if connection.vendor == "postgresql":
        return _postgres_url(connection.settings_dict)
    return f"sqlite:///{connection.settings_dict['NAME']}"


@pytest.fixture
def server(shared_database, tmp_path, settings):
    """``gonghui serve`` is always production, so the test signs cards and encrypts IDs with
    the same fresh production keys it gives the server."""
    env = server_env(shared_database, tmp_path)
    settings.SECRET_KEY = env["GONGHUI_SECRET_KEY"]
    settings.FIELD_KEY = env["GONGHUI_FIELD_KEY"]
    settings.FIELD_KEYS = [settings.FIELD_KEY]  # the keyring core.crypto reads
    with serving(env, log=tmp_path / "server.log", workers=4) as base:
        yield base


@pytest.fixture
def counter(server, program, point, staff):
    """A daily breakfast at a point in 驿城区, its clerk and the clerk's API token."""
    breakfast = program("环卫工人免费早餐", unit_cost_fen=500, budget_fen=10**9)
    clerk = staff("shop_clerk", "411702", Role.POINT_STAFF)
    shop = point("驿城区早餐店", programs=[breakfast], staff=[clerk])
    return breakfast, shop, issue_api_token(user=clerk, name="pytest")


def _body(breakfast, shop, worker_id: int) -> dict:
    return {
        "point": shop.pk,
        "program": breakfast.pk,
        "token": issue_card_token(worker_id),
        "request_id": uuid.uuid4().hex,
    }


def test_200_simultaneous_check_ins_of_one_worker_make_one_record(server, counter, make_worker):
    breakfast, shop, api_token = counter
    worker = make_worker("张东青")
    bodies = [_body(breakfast, shop, worker.pk) for _ in range(200)]
    answers = fire(server, api_token, bodies, threads=THREADS)
    statuses = Counter(status for status, _ in answers)
    assert statuses == {200: 1, 409: 199}, answers[:3]
    refusals = [body for status, body in answers if status == 409]
    assert {body["code"] for body in refusals} == {"already_served"}
    assert all("驿城区早餐店" in body["message"] for body in refusals)
    assert {body["masked_name"] for _, body in answers} == {"张*青"}
    assert ServiceRecord.objects.count() == 1
    assert spent_fen(breakfast) == 500
    assert ROLLUPS.differences() == []


def test_1000_simultaneous_check_ins_of_different_workers_make_1000_records(
    server, counter, province_admin, tmp_path
):
    breakfast, shop, api_token = counter
    roster = write_roster_csv(
        tmp_path / "roster.csv", roster_rows(1000, org_codes=["411702", "411721", "410302"])
    )
    assert import_workers(roster, by=province_admin).created == 1000
    worker_ids = list(workers_visible_to(province_admin).values_list("id", flat=True))
    assert len(worker_ids) == 1000
    bodies = [_body(breakfast, shop, worker_id) for worker_id in worker_ids]
    answers = fire(server, api_token, bodies, threads=THREADS)
    assert Counter(status for status, _ in answers) == {200: 1000}, [
        body for status, body in answers if status != 200
    ][:3]
    accepted = {body["record_id"] for _, body in answers}
    assert set(ServiceRecord.objects.values_list("id", flat=True)) == accepted
    assert len(accepted) == 1000
    assert spent_fen(breakfast) == 1000 * 500
    assert ROLLUPS.differences() == []


def test_simultaneous_check_ins_never_spend_past_the_budget(
    server, program, point, staff, province_admin, tmp_path
):
    """300 workers at once, money for 111: the slots share the rest out, never more."""
    small = program("限额早餐", unit_cost_fen=500, budget_fen=111 * 500)
    clerk = staff("small_clerk", "411702", Role.POINT_STAFF)
    shop = point("驿城区限额早餐店", programs=[small], staff=[clerk])
    api_token = issue_api_token(user=clerk, name="pytest")
    roster = write_roster_csv(tmp_path / "roster.csv", roster_rows(300, org_codes=["411702"]))
    assert import_workers(roster, by=province_admin).created == 300
    worker_ids = list(workers_visible_to(province_admin).values_list("id", flat=True))
    answers = fire(server, api_token, [_body(small, shop, w) for w in worker_ids], threads=THREADS)
    assert Counter(status for status, _ in answers) == {200: 111, 409: 189}
    assert {body["code"] for status, body in answers if status == 409} == {"budget_exhausted"}
    assert ServiceRecord.objects.filter(program=small).count() == 111
    assert spent_fen(small) == 111 * 500
    assert ROLLUPS.differences() == []
