"""The training indicators equal an independent count of the raw records at every level, for
a year and for part of one; 本级 and the children add up to the total where the figure is
additive, and craftsmen are distinct persons."""

import datetime

import pytest

from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.members.services import prepare_worker_update, save_worker
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import org_refs_visible_to
from gonghui.tests.figures import LEVELS, between, every_place, parts, raw
from gonghui.training.competitions import award_title, create_competition, enter_competition
from gonghui.training.indicators import INDICATORS, SENTENCES
from gonghui.training.models import (
    Attendance,
    Competition,
    CraftsmanTitle,
    Entry,
    FundProject,
    Session,
)
from gonghui.training.services import create_class, create_course, enrol, record_attendance
from gonghui.training.tests.conftest import TODAY

pytestmark = pytest.mark.django_db
YEAR = TODAY.year - 1
BY_ID = {indicator.id: indicator for indicator in INDICATORS}
PERIODS = (
    Period.year(YEAR),
    Period.month(YEAR, 3),
    Period(datetime.date(YEAR, 3, 15), datetime.date(YEAR, 5, 31)),
)


def org(code: str) -> Org:
    return Org.objects.get(code=code)


@pytest.fixture
def scene(province_admin, grassroots, make_worker, make_project):
    """Night-school attendances, contest entries, titles and fund projects across 驻马店 and
    洛阳 and at the province itself, over last year and the year before."""
    workers = {
        code: [make_worker(org=code) for _ in range(2)]
        for code in ("411702", "411721", "410302", grassroots.code)
    }
    course = create_course(by=province_admin, org=org("410000"), subject="书法", name="硬笔书法")

    def attend(code: str, worker, days: list[tuple[int, int, int]]) -> None:
        """The class run by ``code``: ``worker`` attends its sessions on ``days``."""
        klass = create_class(
            by=province_admin,
            course=course,
            org=org(code),
            name=f"{code}书法班",
            teacher="王老师",
            room="文化宫",
            weekdays=[1, 2, 3, 4, 5, 6, 7],
            starts_at=datetime.time(19),
            ends_at=datetime.time(20),
            term_starts=datetime.date(YEAR - 1, 12, 1),
            term_ends=TODAY + datetime.timedelta(days=30),
            capacity=10,
            certificate_sessions=1,
        )
        enrol(by=province_admin, klass=klass, worker=worker, channel="console")
        for day in days:
            session = Session.objects.get(klass=klass, day=datetime.date(*day))
            record_attendance(by=province_admin, session=session, worker=worker, channel="list")

    march, may = (YEAR, 3, 10), (YEAR, 5, 20)
    attend("410000", workers["410302"][0], [march, (YEAR, 3, 31), may])
    attend("411700", workers["411702"][0], [march, may, (YEAR - 1, 12, 5)])
    attend("411702", workers["411702"][1], [march, (YEAR, 3, 14), (YEAR, 12, 31)])
    attend(grassroots.code, workers[grassroots.code][0], [(YEAR, 3, 1), may])
    attend("411721", workers["411721"][0], [(YEAR, 4, 1)])
    attend("410300", workers["410302"][1], [march, (YEAR, 3, 11)])

    for code, held_on, entrants in (
        ("410000", datetime.date(YEAR, 3, 20), [workers["411702"][0], workers["410302"][0]]),
        ("411700", datetime.date(YEAR, 5, 8), [workers["411702"][1], workers["411721"][1]]),
        ("411702", datetime.date(YEAR, 3, 2), [workers[grassroots.code][1]]),
        ("410300", datetime.date(YEAR, 6, 1), [workers["410302"][1]]),
        ("411700", datetime.date(YEAR - 1, 9, 9), [workers["411721"][0]]),
    ):
        contest = create_competition(
            by=province_admin,
            org=org(code),
            name=f"{code}焊工比赛{held_on}",
            tier="city",
            trade="焊工",
            held_on=held_on,
        )
        for worker in entrants:
            enter_competition(by=province_admin, competition=contest, worker=worker)

    for worker, title, year in (
        (workers["411702"][0], "河南工匠", 2020),
        (workers["411702"][0], "技术能手", YEAR),  # the same craftsman again
        (workers["411702"][1], "技术能手", YEAR),  # a title of the period's own year
        (workers[grassroots.code][0], "五一劳动奖章", YEAR - 1),
        (workers["411721"][0], "河南工匠", TODAY.year),  # after the period
        (workers["410302"][0], "劳动模范", 2019),
        (workers["410302"][1], "技术能手", YEAR - 1),
    ):
        award_title(by=province_admin, worker=worker, title=title, level="province", year=year)

    for code, starts_on, budget_fen in (
        ("411702", datetime.date(YEAR, 3, 1), 150_000_00),
        ("411702", datetime.date(YEAR, 7, 1), 20_000_00),
        (grassroots.code, datetime.date(YEAR, 3, 20), 5_000_00),
        ("411700", datetime.date(YEAR, 5, 31), 80_000_00),
        ("411721", datetime.date(YEAR - 1, 3, 1), 60_000_00),
        ("410300", datetime.date(YEAR, 3, 5), 30_000_00),
        ("410000", datetime.date(YEAR, 4, 1), 1_000_000_00),
    ):
        make_project(
            f"{code}校企合作{starts_on}",
            by=province_admin,
            org=code,
            starts_on=starts_on,
            budget_fen=budget_fen,
        )
    return grassroots


def expected(period: Period) -> dict[str, str]:
    """Each indicator's figure from the raw tables, in plain SQL."""
    attendances, sessions = Attendance._meta.db_table, Session._meta.db_table
    entries, contests = Entry._meta.db_table, Competition._meta.db_table
    titles, projects = CraftsmanTitle._meta.db_table, FundProject._meta.db_table
    days = between(period)
    end = period.end
    awarded_by = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    return {
        "training.attendances": (
            f"SELECT COUNT(*) FROM {attendances} a JOIN {sessions} s ON s.id = a.session_id "
            f"WHERE a.{{org}} AND s.day {days}"
        ),
        "training.craftsmen": (
            f"SELECT COUNT(DISTINCT worker_id) FROM {titles} WHERE {{org}} AND year <= {awarded_by}"
        ),
        "training.entries": (
            f"SELECT COUNT(*) FROM {entries} e JOIN {contests} c "
            f"ON c.id = e.competition_id WHERE e.{{org}} AND c.held_on {days}"
        ),
        "training.fund": (
            f"SELECT SUM(budget_fen) FROM {projects} WHERE {{org}} AND starts_on {days}"
        ),
    }


@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_every_indicator_equals_the_raw_records_at_every_level(scene, period):
    queries = expected(period)
    for path in (*LEVELS, scene.path):
        for under in every_place(path):
            measured = {i.id: i.measure(under, period) for i in INDICATORS}
            assert measured == {key: raw(sql, under) for key, sql in queries.items()}, under


def test_the_figures_are_the_scenes_own(scene):
    """The raw counts above are not vacuous: the scene's numbers, by hand."""
    year, march, city = Period.year(YEAR), Period.month(YEAR, 3), Under("410000/411700/")
    figures = [(i.measure(city, year), i.measure(city, march)) for i in INDICATORS]
    assert figures == [(8, 4), (3, 2), (3, 1), (255_000_00, 155_000_00)]
    province = [i.measure(Under("410000/"), year) for i in INDICATORS]
    assert province == [13, 5, 6, 1_285_000_00]


@pytest.mark.parametrize("period", PERIODS[:2], ids=str)
def test_own_records_and_the_children_add_up_to_the_total(scene, period):
    for indicator in INDICATORS:
        if indicator.distinct:
            continue
        for path in LEVELS:
            total, rows = parts(indicator, path, period)
            assert total == sum(rows), (indicator.id, path)


def test_craftsmen_are_distinct_persons_not_titles_nor_a_sum_of_the_children(scene, province_admin):
    craftsmen = BY_ID["training.craftsmen"]
    assert craftsmen.distinct
    county = Under("410000/411700/411702/")
    assert craftsmen.measure(county, Period.year(YEAR)) == 3  # four titles, three people
    assert craftsmen.measure(county, Period.month(YEAR, 12)) == 3
    assert craftsmen.measure(county, Period.month(YEAR, 11)) == 2  # YEAR's title not yet
    # Honoured again after moving to 西平县: counted under both counties, once above them.
    moved = CraftsmanTitle.objects.get(year=2020).worker
    refs = org_refs_visible_to(province_admin)
    prepared, errors = prepare_worker_update(
        worker=moved, changes={"org_code": "411721"}, refs=refs
    )
    assert not errors
    moved = save_worker(by=province_admin, prepared=prepared, refs=refs)
    award_title(by=province_admin, worker=moved, title="劳动模范", level="city", year=YEAR)
    total, rows = parts(craftsmen, "410000/411700/", Period.year(YEAR))
    assert (total, sum(rows)) == (3, 4)


def test_a_fund_budget_counts_in_the_year_and_on_the_day_its_project_starts(scene):
    fund = BY_ID["training.fund"].measure
    county = Under("410000/411700/411702/")
    assert fund(county, Period.year(YEAR)) == 175_000_00
    assert fund(county, Period.month(YEAR, 3)) == 155_000_00
    assert fund(county, Period(datetime.date(YEAR, 3, 2), datetime.date(YEAR, 7, 1))) == 25_000_00
    assert fund(Under(county.path, own=True), Period.month(YEAR, 7)) == 20_000_00


def test_each_figure_prints_in_the_provinces_style():
    assert BY_ID["training.attendances"].printed(20_345) == "两万余人次"
    assert BY_ID["training.attendances"].printed(9_876) == "9876人次"
    assert BY_ID["training.craftsmen"].printed(14_000) == "1.4万名"
    assert BY_ID["training.entries"].printed(32_104) == "3.21万人次"
    assert BY_ID["training.fund"].printed(15_000_000) == "15万元"


def test_every_sentence_names_declared_indicators_and_every_indicator_is_printed():
    text = "".join(SENTENCES)
    assert all("{" + i + "}" in text for i in BY_ID)
    assert text.count("{") == len(BY_ID)
