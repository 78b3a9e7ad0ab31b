"""The culture indicators equal an independent count of the raw records at every level, for
a year and for part of one; 本级 and the children add up to the total."""

import datetime

import pytest
from django.utils import timezone

from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.culture.indicators import INDICATORS, SENTENCES
from gonghui.culture.models import Bookhouse, Event, ReadingDaily
from gonghui.culture.rollups import ROLLUPS
from gonghui.culture.services import (
    add_bookhouse,
    cancel_event,
    count_reading,
    create_campaign,
    plan_event,
    record_imported_counts,
    report_held,
)
from gonghui.orgs.models import Org
from gonghui.tests.figures import LEVELS, between, every_place, parts, raw

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year - 1
BY_ID = {indicator.id: indicator for indicator in INDICATORS}
PERIODS = (
    Period.year(YEAR),
    Period.month(YEAR, 3),
    Period(datetime.date(YEAR, 3, 15), datetime.date(YEAR, 5, 31)),
)


@pytest.fixture(autouse=True)
def rollup_agrees_after_every_scenario():
    yield
    assert ROLLUPS.differences() == []


def org(code: str) -> Org:
    return Org.objects.get(code=code)


@pytest.fixture
def scene(province_admin, grassroots):
    """Events held (and some not) across two cities, demonstration bookhouses named in
    different years, and reading shares by import and by tracking link."""

    def event(code: str, day: datetime.date, audience: int | None) -> Event:
        planned = plan_event(
            by=province_admin,
            org=org(code),
            kind="performance",
            title=f"{code}送戏下乡{day}",
            venue="文化广场",
            starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(19))),
        )
        if audience is None:
            return planned
        return report_held(by=province_admin, event=planned, audience=audience, estimated=True)

    for code, month, day, audience in (
        ("410000", 3, 1, 5000),  # the province's own
        ("411700", 5, 10, 200),
        ("411702", 3, 10, 1000),
        ("411702", 3, 31, 300),
        ("411702", 5, 10, 70),
        (grassroots.code, 3, 20, 40),
        ("411721", 3, 14, 500),
        ("411721", 4, 2, 60),
        ("410300", 3, 10, 700),
        ("410302", 6, 1, 90),
        ("411702", 12, 31, 11),
    ):
        event(code, datetime.date(YEAR, month, day), audience)
    event("411702", datetime.date(YEAR - 1, 3, 10), 800)  # the year before
    event("411702", datetime.date(YEAR, 3, 12), None)  # planned only
    cancel_event(by=province_admin, event=event("411721", datetime.date(YEAR, 3, 12), None))

    for code, name, level, named in (
        ("411702", "书屋甲", "province", 2020),
        ("411702", "书屋乙", "national", YEAR),  # named in the period's year
        (grassroots.code, "书屋丙", "province", YEAR - 1),
        ("411721", "书屋丁", "city", 2021),  # below provincial level
        ("411700", "书屋戊", "province", YEAR + 1),  # named after the period
        ("410300", "书屋己", "national", 2018),
        ("410000", "书屋庚", "province", 2019),
        ("411702", "书屋辛", "none", None),
    ):
        add_bookhouse(
            by=province_admin,
            org=org(code),
            name=name,
            host_kind="union",
            level=level,
            level_year=named,
        )

    campaign = create_campaign(
        by=province_admin,
        org=org("410000"),
        name="悦读新思想 经典诵读",
        starts_on=datetime.date(YEAR, 1, 1),
        ends_on=TODAY + datetime.timedelta(days=10),
        items=[("《劳动者之歌》", "https://example.org/song")],
    )
    for code, month, day, shares in (
        ("410000", 3, 5, 9000),
        ("411700", 3, 6, 700),
        ("411702", 3, 7, 300),
        ("411702", 5, 1, 20),
        (grassroots.code, 3, 8, 4),
        ("411721", 4, 30, 50),
        ("410300", 3, 9, 600),
    ):
        where = org(code)
        record_imported_counts(
            campaign=campaign,
            org_id=where.pk,
            org_path=where.path,
            day=datetime.date(YEAR, month, day),
            reads=shares * 3,
            shares=shares,
        )
    count_reading(item=campaign.items.get(), org=org("411702"), client="a", shared=True)  # today
    return grassroots


def expected(period: Period):
    """Each indicator's figure from the raw tables, in plain SQL."""
    events, bookhouses, reading = (
        Event._meta.db_table,
        Bookhouse._meta.db_table,
        ReadingDaily._meta.db_table,
    )
    days = between(period)
    end = period.end
    named_by = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    return {
        "culture.events": (
            f"SELECT COUNT(*) FROM {events} WHERE {{org}} AND state = 'held' AND day {days}"
        ),
        "culture.audience": (
            f"SELECT SUM(audience) FROM {events} WHERE {{org}} AND state = 'held' AND day {days}"
        ),
        "culture.bookhouses": (
            f"SELECT COUNT(*) FROM {bookhouses} WHERE {{org}} "
            f"AND level IN ('national', 'province') AND level_year <= {named_by}"
        ),
        "culture.shares": f"SELECT SUM(shares) FROM {reading} WHERE {{org}} AND day {days}",
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
    assert figures == [(8, 4), (2181, 1840), (3, 2), (1074, 1004)]
    province = BY_ID["culture.bookhouses"].measure(Under("410000/"), year)
    assert province == 5  # 甲, 乙, 丙, 己, 庚: not the city site, nor one named after YEAR


@pytest.mark.parametrize("period", PERIODS[:2], ids=str)
def test_own_records_and_the_children_add_up_to_the_total(scene, period):
    for indicator in INDICATORS:
        for path in LEVELS:
            total, rows = parts(indicator, path, period)
            assert total == sum(rows), (indicator.id, path)
    total, rows = parts(BY_ID["culture.events"], "410000/411700/411702/", Period.year(YEAR))
    assert rows[0] == 4 and total == 5  # 驿城区's own four, its grassroots union's one


def test_a_site_named_in_the_periods_last_year_counts_only_once_that_year_has_ended(scene):
    bookhouses = BY_ID["culture.bookhouses"].measure
    county = Under("410000/411700/411702/")
    assert bookhouses(county, Period.year(YEAR)) == 3  # 甲, 乙 (named YEAR), 丙
    assert bookhouses(county, Period.month(YEAR, 12)) == 3
    assert bookhouses(county, Period.month(YEAR, 11)) == 2
    assert bookhouses(county, Period.year(YEAR - 2)) == 1


def test_each_figure_prints_in_the_provinces_style():
    assert BY_ID["culture.events"].printed(51_234) == "5.12万余场"
    assert BY_ID["culture.events"].printed(51_200) == "5.12万场"
    assert BY_ID["culture.audience"].printed(8_704_321) == "870余万人次"
    assert BY_ID["culture.bookhouses"].printed(2109) == "2109家"
    assert BY_ID["culture.shares"].printed(21_048_000) == "2104.8万次"


def test_every_sentence_names_declared_indicators_and_every_indicator_is_printed():
    text = "".join(SENTENCES)
    assert all("{" + i + "}" in text for i in BY_ID)
    assert text.count("{") == len(BY_ID)
