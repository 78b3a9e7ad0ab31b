"""Coverage figures: outdoor workers of a located employer are covered by an open station
within STATION_COVERAGE_M of the workplace; the rest by an open station in their county."""

import math

import pytest
from django.urls import reverse

from gonghui.accounts.selectors import figures_asked_for
from gonghui.core.coords import Crs
from gonghui.core.geo import EARTH_RADIUS_M, haversine_m
from gonghui.core.periods import Period
from gonghui.orgs.models import Employer, Org
from gonghui.orgs.services import set_employer_location
from gonghui.stations.indicators import FIGURES
from gonghui.stations.models import Status
from gonghui.tests.figures import assert_rows_add_up, page_tables

pytestmark = pytest.mark.django_db

WORK = (32.98, 114.02)  # the located employer's workplace, in 驿城区 (WGS-84)
FAR = (33.20, 114.30)  # a 驿城区 station well away from it (about 36 km)


def north_of(point: tuple[float, float], metres: float) -> tuple[float, float]:
    """The point ``metres`` due north along the meridian (exact on the haversine sphere)."""
    return point[0] + math.degrees(metres / EARTH_RADIUS_M), point[1]


@pytest.fixture
def located(province_admin, make_worker, an_employer):
    """Three 外卖骑手 of an employer located at WORK, in 驿城区."""
    for _ in range(3):
        make_worker(categories="外卖骑手", employer=an_employer)
    employer = Employer.objects.get(uscc=an_employer[1])
    set_employer_location(
        by=province_admin,
        employer=employer,
        lat=WORK[0],
        lng=WORK[1],
        crs=Crs.WGS84,
        address="驿城区解放路1号",
    )
    return employer


def station_at(station, name: str, point: tuple[float, float], **fields):
    return station(name, lat=point[0], lng=point[1], **fields)


RULES = ("stations.outdoor", "stations.by_radius", "stations.by_county")


def drilled(user, org_code=None):
    """The coverage page's figures: the total and each row by org code (本级 its own)."""
    found = figures_asked_for(user, FIGURES.indicators, period=Period.year(2026), org_code=org_code)
    return found.total, {row.place.code: row.values for row in found.rows}


def figures(user, **kwargs):
    total, _ = drilled(user, **kwargs)
    return tuple(total[i] for i in RULES)


def test_a_station_just_inside_the_radius_covers_and_just_outside_does_not(
    located, station, zhumadian_officer, settings
):
    settings.STATION_COVERAGE_M = 1000
    inside, outside = north_of(WORK, 999), north_of(WORK, 1001)
    assert haversine_m(*WORK, *inside) == pytest.approx(999, abs=0.01)
    assert haversine_m(*WORK, *outside) == pytest.approx(1001, abs=0.01)
    # An open station in the same county: the county rule would count them; radius does not.
    station_at(station, "1001米外驿站", outside)
    assert figures(zhumadian_officer) == (3, 0, 0)
    station_at(station, "999米内驿站", inside)
    assert figures(zhumadian_officer) == (3, 3, 0)


def test_suspended_and_closed_stations_do_not_cover(located, station, zhumadian_officer):
    station_at(station, "暂停驿站", north_of(WORK, 10), status=Status.SUSPENDED)
    station_at(station, "关闭驿站", north_of(WORK, 20), status=Status.CLOSED)
    assert figures(zhumadian_officer) == (3, 0, 0)


def test_the_setting_changes_who_is_covered(located, station, zhumadian_officer, settings):
    station_at(station, "1500米驿站", north_of(WORK, 1500))
    settings.STATION_COVERAGE_M = 1000
    assert figures(zhumadian_officer) == (3, 0, 0)
    settings.STATION_COVERAGE_M = 2000
    assert figures(zhumadian_officer) == (3, 3, 0)


def test_a_station_across_the_county_line_covers_a_located_employer(
    located, station, zhumadian_officer
):
    """Station locations are public; a worker rests wherever the nearest one is."""
    station_at(station, "邻县驿站", north_of(WORK, 300), org="411721")
    total, rows = drilled(zhumadian_officer)
    assert (total["stations.by_radius"], total["stations.by_county"]) == (3, 0)
    assert rows["411702"]["stations.by_radius"] == 3


def test_workers_without_an_employer_location_keep_the_county_rule(
    located, station, make_worker, zhumadian_officer
):
    make_worker(categories="环卫工人")  # 驿城区, no employer
    make_worker(categories="快递员", org="411721")  # 西平县, no station there
    make_worker(categories="家政服务员")  # not outdoor
    station_at(station, "远处驿站", FAR)  # 驿城区, far from the workplace
    total, rows = drilled(zhumadian_officer)
    assert tuple(total[i] for i in RULES) == (5, 0, 1) and total["stations.covered"] == 1
    assert (rows["411702"]["stations.outdoor"], rows["411702"]["stations.by_county"]) == (4, 1)
    assert (rows["411721"]["stations.outdoor"], rows["411721"]["stations.covered"]) == (1, 0)
    for name in (*RULES, "stations.covered"):
        assert sum(row[name] for row in rows.values()) == total[name]


def test_the_page_shows_both_rules_and_the_radius_for_the_own_subtree_only(
    client, located, station, make_worker, zhumadian_officer, luoyang_officer, settings
):
    settings.STATION_COVERAGE_M = 800
    make_worker(categories="环卫工人")
    station_at(station, "近处驿站", north_of(WORK, 500))
    client.force_login(zhumadian_officer)
    html = client.get(reverse("stations:coverage")).content.decode()
    assert '<strong id="radius">800</strong>' in html
    stations, workers = page_tables(html)
    counties = set(Org.objects.filter(parent__code="411700").values_list("code", flat=True))
    assert set(stations) == set(workers) == {"411700", "", *counties}
    for row in ("411702", ""):
        assert tuple(workers[row][i] for i in (*RULES, "stations.covered")) == ("4", "3", "1", "4")
        assert (stations[row]["stations.all"], stations[row]["stations.status.open"]) == ("1", "1")
    assert workers["411700"]["stations.outdoor"] == "0" and "本级（驻马店市总工会）" in html
    assert_rows_add_up(FIGURES, html)
    client.force_login(luoyang_officer)
    stations, workers = page_tables(client.get(reverse("stations:coverage")).content.decode())
    assert (workers[""]["stations.outdoor"], stations[""]["stations.all"]) == ("0", "0")
    assert "411702" not in workers and "410300" in workers
    assert client.get(reverse("stations:coverage"), {"org": "411702"}).status_code == 404
    assert client.get(reverse("stations:coverage"), {"org": "411700"}).status_code == 404


@pytest.mark.parametrize("query", [{"year": "10000"}, {"year": "abc"}, {"to": "2026-01-01"}])
def test_a_wrong_period_shows_a_notice_not_an_error(client, zhumadian_officer, query):
    client.force_login(zhumadian_officer)
    answer = client.get(reverse("stations:coverage"), query)
    assert answer.status_code == 200 and 'id="problem"' in answer.content.decode()
