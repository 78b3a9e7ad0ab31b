"""Every app's list pages and API lists make a fixed number of queries, pinned in
``query_counts.json`` as NetBox pins its list views' (``UPDATE_QUERY_COUNTS=1`` rewrites
the file from what the lists make now).

Each list is read with 2 of its objects and again with 6, every object with the related rows
a row of the list shows (a worker, an enrolment, a score …): the count must be the same
both times, so a query per row (an N+1) fails here, with the statements printed.

Pinned in their apps' own tests instead, not here: the registry page and ``/api/workers``
(``members/tests``: ``LIST_QUERIES``), the union tree page (``TREE_QUERIES``) and the
programme list page (``programs/tests/test_views.py``).
"""

import datetime
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.accounts.models import Role
from gonghui.accounts.services import issue_api_token
from gonghui.core.coords import Crs
from gonghui.core.hours import parse_hours
from gonghui.culture.services import (
    add_bookhouse,
    create_campaign,
    plan_event,
    record_visits,
    report_held,
    sign_in,
)
from gonghui.mutualaid.services import create_plan, enrol_worker, file_claim, submit_roster
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_grassroots_union, register_employer
from gonghui.programs.models import Frequency, ProgramKind
from gonghui.programs.services import create_program, create_service_point, record_service
from gonghui.rights.services import WorkerOwed, add_workers, open_case
from gonghui.stations.services import StationFields, save_station, set_ratings
from gonghui.training.competitions import (
    award_title,
    create_competition,
    enter_competition,
    record_score,
)
from gonghui.training.funds import add_trainee, create_fund_project, record_spending
from gonghui.training.models import Channel
from gonghui.training.services import create_class, create_course, enrol

pytestmark = pytest.mark.django_db

PINS = Path(__file__).with_name("query_counts.json")
UPDATE = os.environ.get("UPDATE_QUERY_COUNTS") == "1"
TODAY = timezone.localdate()


def org(code: str) -> Org:
    return Org.objects.get(code=code)


@pytest.fixture
def ctx(province_admin, zhumadian_officer, yicheng_officer, staff, make_worker):
    """Who makes the rows (through the services) and the shared parents some rows need."""
    return SimpleNamespace(
        admin=province_admin,
        zhumadian=zhumadian_officer,
        yicheng=yicheng_officer,
        staff=staff,
        worker=lambda: make_worker(org="411702"),
        shared={},
    )


def once(c, key: str, make: Callable):
    """A parent shared by all rows of one list (the plan the claims are filed under …)."""
    if key not in c.shared:
        c.shared[key] = make()
    return c.shared[key]


# --- one row of each list, with what the row shows ---------------------------------------------


def an_employer(c, i: int) -> None:
    employer = register_employer(
        by=c.admin,
        name=f"驻马店第{i}服务公司",
        uscc=make_uscc(random.Random(100 + i)),
        county=org("411702"),
    )
    create_grassroots_union(
        by=c.admin, county=org("411702"), name=f"第{i}公司工会", employer=employer
    )


def a_grassroots_union(c, i: int) -> None:
    create_grassroots_union(by=c.admin, county=org("411702"), name=f"驿城区第{i}工会")


def _program(c, i: int):
    return create_program(
        by=c.admin,
        org=org("411700"),
        name=f"驻马店项目{i}",
        kind=ProgramKind.DAILY,
        frequency=Frequency.DAILY,
        starts_on=TODAY - datetime.timedelta(days=30),
        ends_on=TODAY + datetime.timedelta(days=30),
        unit_cost_fen=500,
        budget_fen=100_000,
    )


def a_program(c, i: int) -> None:
    program = _program(c, i)
    point = create_service_point(
        by=c.admin, org=org("411702"), name=f"服务点{i}", programs=[program]
    )
    record_service(by=c.admin, program=program, worker=c.worker(), point=point)


def a_point(c, i: int) -> None:
    clerk = c.staff(f"clerk{i}", "411702", Role.POINT_STAFF)
    programs = [_program(c, i), once(c, "program", lambda: _program(c, 99))]
    create_service_point(
        by=c.admin, org=org("411702"), name=f"服务点{i}", programs=programs, staff=[clerk]
    )


def a_station(c, i: int) -> None:
    station = save_station(
        by=c.admin,
        org=org("411702"),
        fields=StationFields(
            name=f"驿城区第{i}爱心驿站",
            address=f"驻马店市驿城区解放路{i}号",
            lat=32.98 + i / 1000,
            lng=114.02,
            crs=Crs.WGS84,
            hours=parse_hours("08:00-20:00"),
            facilities=0b11,
        ),
    ).station
    set_ratings(by=c.admin, station=station, ratings=[("most_beautiful", 2025)])


def _plan(c):
    return create_plan(
        by=c.zhumadian,
        org=org("411700"),
        year=2026,
        name="2026年驻马店市职工重大疾病互助保障",
        contribution_fen=5000,
        enrol_opens=datetime.date(2025, 11, 1),
        enrol_closes=datetime.date(2026, 3, 31),
        cover_starts=datetime.date(2026, 1, 1),
        cover_ends=datetime.date(2026, 12, 31),
        annual_cap_fen=6_000_000,
        waiting_days=90,
        benefits={"恶性肿瘤": 5_000_000, "急性心肌梗死": 3_000_000},
    )


def a_claim(c, i: int) -> None:
    plan = once(c, "plan", lambda: _plan(c))
    enrolment = enrol_worker(
        by=c.yicheng, plan=plan, worker=c.worker(), paid_on=datetime.date(2026, 1, 1)
    )
    file_claim(
        by=c.yicheng,
        enrolment=enrolment,
        category="恶性肿瘤",
        diagnosed_on=datetime.date(2026, 5, 10),
        hospital="驻马店市中心医院",
        diagnosis="肺腺癌",
        claimed_fen=1_000_000 + i,
    )


def a_plan(c, i: int) -> None:
    year = 2030 + i
    create_plan(
        by=c.zhumadian,
        org=org("411700"),
        year=year,
        name=f"{year}年驻马店市职工互助保障",
        contribution_fen=5000,
        enrol_opens=datetime.date(year - 1, 11, 1),
        enrol_closes=datetime.date(year, 3, 31),
        cover_starts=datetime.date(year, 1, 1),
        cover_ends=datetime.date(year, 12, 31),
        annual_cap_fen=6_000_000,
        waiting_days=90,
        benefits={"恶性肿瘤": 5_000_000, "急性心肌梗死": 3_000_000},
    )


def a_roster(c, i: int) -> None:
    plan = once(c, "plan", lambda: _plan(c))
    submit_roster(
        by=c.yicheng,
        plan=plan,
        filename=f"名册{i}.xlsx",
        rows=[(2, c.worker(), datetime.date(2026, 1, 2))],
    )


def a_case(c, i: int) -> None:
    case = open_case(
        by=c.yicheng,
        org=org("411702"),
        channel="hotline",
        employer_name=f"驻马店第{i}建筑劳务公司",
        employer_uscc=make_uscc(random.Random(200 + i)),
        opened_on=datetime.date(2026, 1, 5),
    )
    add_workers(by=c.yicheng, case=case, rows=[WorkerOwed(c.worker().pk, 100_000)])


def a_class(c, i: int) -> None:
    course = once(
        c,
        "course",
        lambda: create_course(by=c.zhumadian, org=org("411700"), subject="书法", name="硬笔书法"),
    )
    klass = create_class(
        by=c.zhumadian,
        course=course,
        org=None,
        name=f"书法{i}班",
        teacher="王老师",
        room="文化宫302",
        weekdays=[2, 4],
        starts_at=datetime.time(19),
        ends_at=datetime.time(20, 30),
        term_starts=TODAY - datetime.timedelta(days=14),
        term_ends=TODAY + datetime.timedelta(days=60),
        capacity=30,
    )
    enrol(by=c.yicheng, klass=klass, worker=c.worker(), channel=Channel.CONSOLE)


def a_competition(c, i: int) -> None:
    competition = create_competition(
        by=c.zhumadian,
        org=org("411700"),
        name=f"驻马店第{i}届环卫技能大赛",
        tier="city",
        trade="环卫",
        held_on=TODAY,
    )
    entry = enter_competition(by=c.yicheng, competition=competition, worker=c.worker())
    record_score(by=c.zhumadian, entry=entry, judge="王评委", part="theory", points="80")


def a_fund(c, i: int) -> None:
    project = create_fund_project(
        by=c.yicheng,
        org=org("411702"),
        name=f"学历提升{i}班",
        kind="diploma",
        employer_name=f"驻马店第{i}服务公司",
        uscc=make_uscc(random.Random(300 + i)),
        provider="驻马店职业技术学院",
        budget_fen=1_000_000,
        starts_on=TODAY - datetime.timedelta(days=30),
        ends_on=TODAY + datetime.timedelta(days=600),
    )
    add_trainee(by=c.yicheng, project=project, worker=c.worker(), channel=Channel.CONSOLE)
    record_spending(by=c.yicheng, project=project, spent_on=TODAY, amount_fen=100, purpose="教材")


def a_title(c, i: int) -> None:
    award_title(by=c.yicheng, worker=c.worker(), title="河南工匠", level="province", year=2020 + i)


def an_event(c, i: int) -> None:
    # The calendar shows this month: the events fall on its first day.
    first = timezone.localtime().replace(day=1, hour=9, minute=0, second=0, microsecond=0)
    event = plan_event(
        by=c.yicheng,
        org=org("411702"),
        kind="lecture",
        title=f"劳动法讲座{i}",
        venue="驿城区职工之家",
        starts_at=first,
    )
    held = report_held(by=c.yicheng, event=event, audience=100)
    sign_in(by=c.yicheng, event=held, workers=[c.worker()], channel="staff")


def a_bookhouse(c, i: int) -> None:
    bookhouse = add_bookhouse(
        by=c.yicheng, org=org("411702"), name=f"职工书屋{i}", host_kind="union"
    )
    record_visits(by=c.yicheng, bookhouse=bookhouse, month=TODAY.replace(day=1), visits=10 + i)


def a_campaign(c, i: int) -> None:
    create_campaign(
        by=c.zhumadian,
        org=org("411700"),
        name=f"读书月{i}",
        starts_on=TODAY - datetime.timedelta(days=10),
        ends_on=TODAY + datetime.timedelta(days=20),
        items=[(f"好书{i}", f"https://example.org/{i}"), (f"好文{i}", f"https://example.org/a{i}")],
    )


def an_audit_event(c, i: int) -> None:
    c.worker()  # registering a worker is audited


@dataclass(frozen=True)
class Listing:
    url: str
    row: Callable  # makes the i-th row of the list

    @property
    def api(self) -> bool:
        return self.url.startswith("/api/")


LISTINGS = [
    Listing("/orgs/employers/", an_employer),
    Listing("/api/orgs?parent=411702", a_grassroots_union),
    Listing("/api/programs", a_program),
    Listing("/api/points", a_point),
    Listing("/stations/", a_station),
    Listing("/stations/map/", a_station),
    Listing("/api/stations", a_station),
    Listing("/mutualaid/", a_claim),
    Listing("/api/mutualaid/claims", a_claim),
    Listing("/api/mutualaid/plans", a_plan),
    Listing("/api/mutualaid/rosters", a_roster),
    Listing("/rights/", a_case),
    Listing("/api/rights/cases", a_case),
    Listing("/training/", a_class),
    Listing("/api/training/classes", a_class),
    Listing("/training/competitions/", a_competition),
    Listing("/api/training/competitions", a_competition),
    Listing("/training/funds/", a_fund),
    Listing("/api/training/funds", a_fund),
    Listing("/training/craftsmen/", a_title),
    Listing("/culture/", an_event),
    Listing("/api/culture/events", an_event),
    Listing("/culture/bookhouses/", a_bookhouse),
    Listing("/api/culture/bookhouses", a_bookhouse),
    Listing("/culture/campaigns/", a_campaign),
    Listing("/api/culture/campaigns", a_campaign),
    Listing("/audit/", an_audit_event),
]


def read_pins() -> dict[str, int]:
    return json.loads(PINS.read_text(encoding="utf-8")) if PINS.exists() else {}


def write_pins(pins: dict[str, int]) -> None:
    text = json.dumps(dict(sorted(pins.items())), ensure_ascii=False, indent=2) + "\n"
    PINS.write_text(text, encoding="utf-8")


def counted(client, listing: Listing, headers: dict) -> tuple[int, list[str], int]:
    """Queries of one read of the list, their statements, and the answer's length."""
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(listing.url, headers=headers)
    assert answer.status_code == 200, (listing.url, answer.status_code)
    return len(captured), [q["sql"] for q in captured.captured_queries], len(answer.content)


def statements(sql: list[str]) -> str:
    return "\n".join(f"{n}. {s}" for n, s in enumerate(sql, start=1))


def test_every_listing_is_pinned():
    """The file pins exactly the lists here (a list removed must leave the file too)."""
    pinned = {x.url for x in LISTINGS}
    if UPDATE:  # runs before the lists' tests, which then pin their counts
        write_pins({url: n for url, n in read_pins().items() if url in pinned})
        return
    assert set(read_pins()) == pinned


@pytest.mark.parametrize("listing", LISTINGS, ids=[x.url for x in LISTINGS])
def test_a_list_makes_the_same_pinned_number_of_queries_for_2_and_6_rows(client, ctx, listing):
    client.force_login(ctx.admin)
    headers = {}
    if listing.api:
        headers["Authorization"] = f"Bearer {issue_api_token(user=ctx.admin, name='counts')}"
    for i in range(2):
        listing.row(ctx, i)
    client.get(listing.url, headers=headers)  # first-use caches (content types …) filled
    with_2, _, size_2 = counted(client, listing, headers)
    for i in range(2, 6):
        listing.row(ctx, i)
    with_6, sql_6, size_6 = counted(client, listing, headers)
    assert size_6 > size_2, f"{listing.url} does not show the rows added"
    assert with_2 == with_6, (
        f"{listing.url}: {with_2} queries with 2 rows, {with_6} with 6 (a query per row):\n"
        f"{statements(sql_6)}"
    )
    if UPDATE:
        write_pins(read_pins() | {listing.url: with_6})
        return
    pinned = read_pins().get(listing.url)
    assert with_6 == pinned, (
        f"{listing.url}: {with_6} queries, {pinned} pinned in {PINS.name} "
        f"(UPDATE_QUERY_COUNTS=1 rewrites it):\n{statements(sql_6)}"
    )
