"""The station indicators equal an independent count of the raw records at every level:
open stations, and outdoor workers covered by the workplace radius or, without a workplace
location, by an open station in their county. Both are snapshots a period does not narrow."""

import datetime
import random

import pytest

from gonghui.accounts.selectors import figures_asked_for
from gonghui.core.coords import Crs
from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.members.categories import BY_NAME
from gonghui.members.models import Worker
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Employer
from gonghui.orgs.services import set_employer_location
from gonghui.stations.indicators import FIGURES, INDICATORS, SENTENCES
from gonghui.stations.models import Station, Status
from gonghui.tests.figures import LEVELS, every_place, parts, raw

pytestmark = pytest.mark.django_db
BY_ID = {indicator.id: indicator for indicator in INDICATORS}
YEAR = datetime.date.today().year - 1
PERIODS = (Period.year(YEAR), Period.month(YEAR, 3))
OUTDOOR = ("环卫工人", "户外劳动者", "快递员", "外卖骑手", "货车司机", "网约车司机")
RADIUS_M = 1000
WORK = (32.98, 114.02)  # 驿城 employer's workplace
NEAR_WORK = (32.9845, 114.02)  # 500 m north of it, across the line in 西平县's registry
LUOYANG_WORK = (34.62, 112.45)


@pytest.fixture
def scene(province_admin, grassroots, make_worker, an_employer, station, settings):
    """Stations open, suspended and closed at every level; outdoor workers of a located
    employer in each city, and workers without a workplace location at every level."""
    settings.STATION_COVERAGE_M = RADIUS_M
    luoyang = ("洛阳市快递有限公司", make_uscc(random.Random(8)))
    elsewhere = ("驻马店市物流有限公司", make_uscc(random.Random(9)))  # no location
    for _ in range(3):
        make_worker(categories="外卖骑手", employer=an_employer)
    make_worker(categories="环卫工人", employer=an_employer, org=grassroots.code)
    make_worker(categories="环卫工人", employer=elsewhere)
    make_worker(categories="环卫工人")
    make_worker(categories="快递员", org=grassroots.code)
    make_worker(categories="家政服务员")  # not outdoor
    make_worker(categories="货车司机", org="411700")  # the city's own: no open station there
    make_worker(categories="快递员", org="411721")
    for _ in range(2):
        make_worker(categories="外卖骑手", employer=luoyang, org="410302")  # none within reach
    make_worker(categories="环卫工人", org="410302")
    make_worker(categories="网约车司机", org="410000")
    make_worker(categories="户外劳动者", org="410300")
    for (_, uscc), (lat, lng) in ((an_employer, WORK), (luoyang, LUOYANG_WORK)):
        set_employer_location(
            by=province_admin,
            employer=Employer.objects.get(uscc=uscc),
            lat=lat,
            lng=lng,
            crs=Crs.WGS84,
            address="解放路1号",
        )
    for name, code, point, status in (
        ("西平县驿站", "411721", NEAR_WORK, Status.OPEN),
        ("驿城区远处驿站", "411702", (33.20, 114.30), Status.OPEN),
        ("基层暂停驿站", grassroots.code, WORK, Status.SUSPENDED),
        ("市直关闭驿站", "411700", WORK, Status.CLOSED),
        ("老城区驿站", "410302", (34.68, 112.47), Status.OPEN),  # about 6.8 km away
        ("老城区暂停驿站", "410302", LUOYANG_WORK, Status.SUSPENDED),
        ("省总驿站", "410000", (34.75, 113.62), Status.OPEN),
    ):
        station(name, org=code, lat=point[0], lng=point[1], status=status)
    return grassroots


def expected() -> dict[str, str]:
    """Each indicator's figure from the raw tables, in plain SQL: the great-circle distance
    for the radius, the first three path segments (21 characters) for the county."""
    stations, workers = Station._meta.db_table, Worker._meta.db_table
    employers = Employer._meta.db_table
    bits = sum(BY_NAME[name].bit for name in OUTDOOR)
    metres = (
        "2 * 6371008.8 * ASIN(SQRT(POWER(SIN(RADIANS(s.lat - e.lat) / 2), 2) + "
        "COS(RADIANS(e.lat)) * COS(RADIANS(s.lat)) * POWER(SIN(RADIANS(s.lng - e.lng) / 2), 2)))"
    )
    return {
        "stations.count": f"SELECT COUNT(*) FROM {stations} WHERE {{org}} AND status = 'open'",
        "stations.covered": (
            f"SELECT COUNT(*) FROM {workers} w LEFT JOIN {employers} e ON e.id = w.employer_id "
            f"WHERE w.{{org}} AND (w.categories & {bits}) != 0 AND ("
            f"(e.lat IS NOT NULL AND EXISTS (SELECT 1 FROM {stations} s "
            f"WHERE s.status = 'open' AND {metres} <= {RADIUS_M})) OR "
            f"(e.lat IS NULL AND EXISTS (SELECT 1 FROM {stations} s WHERE s.status = 'open' "
            "AND SUBSTR(s.org_path, 1, 21) = SUBSTR(w.org_path, 1, 21))))"
        ),
    }


@pytest.mark.parametrize("period", PERIODS, ids=str)
def test_every_indicator_equals_the_raw_records_at_every_level(scene, period):
    queries = expected()
    for path in (*LEVELS, scene.path):
        for under in every_place(path):
            measured = {i.id: i.measure(under, period) for i in INDICATORS}
            assert measured == {key: raw(sql, under) for key, sql in queries.items()}, under


def test_the_figures_are_the_scenes_own(scene):
    """The raw counts above are not vacuous: the scene's numbers, by hand."""
    year = Period.year(YEAR)
    by_place = {
        (under.path, under.own): [i.measure(under, year) for i in INDICATORS]
        for path in (*LEVELS, scene.path)
        for under in every_place(path)
    }
    assert by_place == {
        ("410000/", False): [4, 10],
        ("410000/", True): [1, 1],
        ("410000/411700/", False): [2, 8],
        ("410000/411700/", True): [0, 0],
        ("410000/411700/411702/", False): [1, 7],
        ("410000/411700/411702/", True): [1, 5],
        ("410000/410300/", False): [1, 1],
        ("410000/410300/", True): [0, 0],
        (scene.path, False): [0, 2],
        (scene.path, True): [0, 2],
    }


def test_own_records_and_the_children_add_up_to_the_total(scene):
    for indicator in INDICATORS:
        for path in LEVELS:
            total, rows = parts(indicator, path, Period.year(YEAR))
            assert total == sum(rows), (indicator.id, path)


def test_a_period_does_not_narrow_the_snapshot(scene):
    for indicator in INDICATORS:
        figures = {
            indicator.measure(Under("410000/"), period) for period in (*PERIODS, Period.year(2000))
        }
        assert len(figures) == 1, indicator.id


def test_the_coverage_page_counts_as_the_indicator_does(scene, zhumadian_officer, yicheng_officer):
    covered = BY_ID["stations.covered"].measure
    year = Period.year(YEAR)
    city = figures_asked_for(zhumadian_officer, FIGURES.indicators, period=year, org_code=None)
    assert city.total["stations.covered"] == covered(Under("410000/411700/"), year) == 8
    for row in city.rows:
        under = Under(row.place.path, own=row.own)
        assert row.values["stations.covered"] == covered(under, year)
    # Below county level the county rule still looks at the whole county: the grassroots
    # union's worker without a workplace location rests at 驿城区's open station.
    union = figures_asked_for(yicheng_officer, FIGURES.indicators, period=year, org_code=scene.code)
    rules = ("stations.outdoor", "stations.by_radius", "stations.by_county")
    assert tuple(union.total[i] for i in rules) == (2, 1, 1)


def test_each_figure_prints_in_the_provinces_style():
    assert BY_ID["stations.count"].printed(11_500) == "1.15万个"
    assert BY_ID["stations.count"].printed(2_109) == "2109个"
    assert BY_ID["stations.covered"].printed(8_403_210) == "840余万人"


def test_every_sentence_names_declared_indicators_and_every_indicator_is_printed():
    text = "".join(SENTENCES)
    assert all("{" + i + "}" in text for i in BY_ID)
    assert text.count("{") == len(BY_ID)
