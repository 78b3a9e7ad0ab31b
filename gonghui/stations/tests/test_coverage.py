"""Coverage figures: outdoor workers of a located employer are covered by an open station
within STATION_COVERAGE_M of the workplace; the rest by an open station in their county."""

import math

import pytest
from django.urls import reverse

from gonghui.core.coords import Crs
from gonghui.core.geo import EARTH_RADIUS_M, haversine_m
from gonghui.orgs.models import Employer
from gonghui.orgs.services import set_employer_location
from gonghui.stations.models import Status
from gonghui.stations.selectors import coverage

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


def figures(user, **kwargs):
    total, _ = coverage(user, **kwargs)
    return total.outdoor_workers, total.covered_by_radius, total.covered_by_county


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
    assert coverage(zhumadian_officer)[0].radius_m == 2000


def test_a_station_across_the_county_line_covers_a_located_employer(
    located, station, zhumadian_officer
):
    """Station locations are public; a worker rests wherever the nearest one is."""
    station_at(station, "邻县驿站", north_of(WORK, 300), org="411721")
    total, children = coverage(zhumadian_officer)
    assert (total.covered_by_radius, total.covered_by_county) == (3, 0)
    yicheng = next(row for row in children if row.org.code == "411702")
    assert yicheng.covered_by_radius == 3


def test_workers_without_an_employer_location_keep_the_county_rule(
    located, station, make_worker, zhumadian_officer
):
    make_worker(categories="环卫工人")  # 驿城区, no employer
    make_worker(categories="快递员", org="411721")  # 西平县, no station there
    make_worker(categories="家政服务员")  # not outdoor
    station_at(station, "远处驿站", FAR)  # 驿城区, far from the workplace
    total, children = coverage(zhumadian_officer)
    assert (total.outdoor_workers, total.covered_by_radius, total.covered_by_county) == (5, 0, 1)
    assert total.covered_workers == 1
    by_code = {row.org.code: row for row in children}
    assert (by_code["411702"].outdoor_workers, by_code["411702"].covered_by_county) == (4, 1)
    assert (by_code["411721"].outdoor_workers, by_code["411721"].covered_workers) == (1, 0)
    for name in ("outdoor_workers", "covered_by_radius", "covered_by_county"):
        assert sum(getattr(row, name) for row in children) == getattr(total, name)


def test_the_page_shows_both_rules_and_the_radius_for_the_own_subtree_only(
    client, located, station, make_worker, zhumadian_officer, luoyang_officer, settings
):
    settings.STATION_COVERAGE_M = 800
    make_worker(categories="环卫工人")
    station_at(station, "近处驿站", north_of(WORK, 500))
    client.force_login(zhumadian_officer)
    page = client.get(reverse("stations:coverage"))
    total = page.context["total"]
    assert (total.outdoor_workers, total.covered_by_radius, total.covered_by_county) == (4, 3, 1)
    html = page.content.decode()
    assert '<strong id="radius">800</strong>' in html
    assert (
        '<td class="num">4</td><td class="num">4</td><td class="num">3</td><td class="num">1</td>'
        in html
    )
    client.force_login(luoyang_officer)
    theirs = client.get(reverse("stations:coverage")).context["total"]
    assert (theirs.outdoor_workers, theirs.covered_workers, theirs.stations) == (0, 0, 0)
    assert client.get(reverse("stations:coverage"), {"org": "411702"}).status_code == 404
