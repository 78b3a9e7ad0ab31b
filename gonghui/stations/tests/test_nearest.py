"""The nearest search is exact: it equals a brute-force great-circle scan, whatever the query."""

import datetime
import random

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.core.coords import Crs, from_wgs84
from gonghui.core.geo import haversine_m
from gonghui.core.hours import is_open_at
from gonghui.core.models import ChangeStamp
from gonghui.stations.models import Station, Status
from gonghui.stations.search_index import STAMP, current_index
from gonghui.stations.selectors import SHANGHAI, nearest_stations
from gonghui.stations.services import close_on
from gonghui.stations.vocabulary import FACILITIES

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 11, 25, 22, 30), SHANGHAI)  # a Wednesday night
HOURS = [
    "00:00-24:00",
    "08:00-20:00",
    "20:00-06:00",
    "周一至周五 07:00-19:00；周六、周日 休息",
    "周三 休息",
]
COMMON = FACILITIES[0].bit | FACILITIES[1].bit  # 饮水, 热饭
RARE = FACILITIES[7].bit  # 图书: few stations have books
# Henan spans about 31.4-36.4°N, 110.4-116.6°E; queries also fall outside it.
QUERY = dict(lat=st.floats(30.0, 37.5), lng=st.floats(109.5, 117.5))


@pytest.fixture
def henan_stations(station, province_admin):
    """200 stations over Henan, a tight cluster in 驿城区, some suspended, some closed today."""
    rng = random.Random(5)
    made = []
    for i in range(200):
        if i < 30:  # a cluster: ties and many candidates in one small box
            lat, lng = 32.98 + rng.uniform(-0.01, 0.01), 114.02 + rng.uniform(-0.01, 0.01)
        else:
            lat, lng = rng.uniform(31.4, 36.4), rng.uniform(110.4, 116.6)
        bits = COMMON if rng.random() < 0.6 else FACILITIES[2].bit
        if rng.random() < 0.03:
            bits |= RARE
        made.append(
            station(
                f"驿站{i:03d}",
                org=rng.choice(["411702", "410311", "410102"]),
                lat=lat,
                lng=lng,
                hours=rng.choice(HOURS),
                facilities=bits,
                status=Status.SUSPENDED if rng.random() < 0.1 else Status.OPEN,
            )
        )
    for closed in rng.sample(made, 10):
        close_on(by=province_admin, station=closed, day=NOW.date())
    return made


@pytest.fixture
def every_open_station(henan_stations):
    """(pk, lat, lng, facilities, open at NOW) of every open station, read once."""
    local = timezone.localtime(NOW, SHANGHAI).replace(tzinfo=None)
    return [
        (
            s.pk,
            s.lat,
            s.lng,
            s.facilities,
            is_open_at(s.hours, local, {c.day for c in s.closures.all()}),
        )
        for s in Station.objects.filter(status=Status.OPEN).prefetch_related("closures")
    ]


def brute_force(stations, lat, lng, *, k, within_m, open_now, facilities):
    found = []
    for pk, s_lat, s_lng, bits, is_open in stations:
        d = haversine_m(lat, lng, s_lat, s_lng)
        if (
            (within_m is None or d <= within_m)
            and (not open_now or is_open)
            and (bits & facilities == facilities)
        ):
            found.append((d, pk))
    return [pk for _, pk in sorted(found)[:k]]


FACILITY_FILTERS = [0, COMMON, RARE, RARE | FACILITIES[2].bit]


def check_against_brute_force(stations, lat, lng, k, within_m, open_now, facilities):
    got = nearest_stations(
        lat=lat, lng=lng, k=k, within_m=within_m, open_now=open_now, facilities=facilities, now=NOW
    )
    want = brute_force(
        stations, lat, lng, k=k, within_m=within_m, open_now=open_now, facilities=facilities
    )
    assert [r.id for r in got] == want, (lat, lng, k, within_m, open_now, facilities)
    assert all(a.distance_m <= b.distance_m for a, b in zip(got, got[1:], strict=False))
    return len(got) < k


def test_1000_random_queries_equal_brute_force(every_open_station):
    """Queries over and around Henan (a third outside it, past every edge), random k,
    radius, open-now and facility filters; rare filters leave fewer than k matches."""
    rng = random.Random(2026)
    short = 0
    for _ in range(1000):
        if rng.random() < 0.33:  # beyond an edge of the province
            lat, lng = rng.choice(
                [
                    (rng.uniform(30.0, 31.4), rng.uniform(109.5, 117.5)),
                    (rng.uniform(36.4, 37.5), rng.uniform(109.5, 117.5)),
                    (rng.uniform(30.0, 37.5), rng.uniform(109.5, 110.4)),
                    (rng.uniform(30.0, 37.5), rng.uniform(116.6, 117.5)),
                ]
            )
        else:
            lat, lng = rng.uniform(31.4, 36.4), rng.uniform(110.4, 116.6)
        within_m = rng.choice([None, None, rng.uniform(100, 5_000), rng.uniform(5_000, 300_000)])
        short += check_against_brute_force(
            every_open_station,
            lat,
            lng,
            rng.randint(1, 12),
            within_m,
            rng.random() < 0.5,
            rng.choice(FACILITY_FILTERS),
        )
    assert short > 100  # the filters really did leave fewer than k in many queries
    rare = nearest_stations(lat=34.0, lng=113.0, k=50, facilities=RARE, now=NOW)
    assert 0 < len(rare) == sum(1 for s in every_open_station if s[3] & RARE) < 50


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    **QUERY,
    k=st.integers(1, 12),
    within_m=st.one_of(st.none(), st.floats(1, 300_000)),
    open_now=st.booleans(),
    facilities=st.sampled_from(FACILITY_FILTERS),
)
def test_nearest_equals_brute_force(
    every_open_station, lat, lng, k, within_m, open_now, facilities
):
    check_against_brute_force(every_open_station, lat, lng, k, within_m, open_now, facilities)


def test_query_in_gcj02_or_bd09_answers_in_the_same_system(station):
    target = station("目标驿站", lat=34.75, lng=113.62)
    station("旁边驿站", lat=34.751, lng=113.62)
    gcj = from_wgs84(target.lat, target.lng, Crs.GCJ02)
    best = nearest_stations(lat=gcj[0], lng=gcj[1], crs=Crs.GCJ02, k=1, now=NOW)[0]
    assert best.id == target.pk and best.distance_m < 0.05
    assert haversine_m(best.lat, best.lng, *gcj) < 0.05
    bd = from_wgs84(target.lat, target.lng, Crs.BD09)
    in_bd = nearest_stations(lat=bd[0], lng=bd[1], crs=Crs.BD09, k=1, now=NOW)[0]
    assert in_bd.id == target.pk and haversine_m(in_bd.lat, in_bd.lng, *bd) < 0.05


def test_open_now_uses_shanghai_time_and_closures(station, province_admin):
    night = station("夜间驿站", hours="20:00-06:00")
    day = station("日间驿站", hours="08:00-20:00", lat=32.981)
    # 22:30 in Shanghai is 14:30 UTC: the night station is open, the day one closed.
    got = nearest_stations(lat=32.98, lng=114.02, k=5, open_now=True, now=NOW)
    assert [r.id for r in got] == [night.pk]
    close_on(by=province_admin, station=night, day=NOW.date())
    assert nearest_stations(lat=32.98, lng=114.02, k=5, open_now=True, now=NOW) == []
    shown = nearest_stations(lat=32.98, lng=114.02, k=5, now=NOW)
    assert {r.id: r.open_now for r in shown} == {night.pk: False, day.pk: False}


def test_stations_at_the_same_spot_tie_by_id(station):
    """Two stations in one building often share coordinates: the lower id comes first, and
    k=1 picks it even though the tree may meet the other first."""
    made = [station(f"同楼驿站{i}", lat=34.75, lng=113.62) for i in range(6)]
    got = nearest_stations(lat=34.7501, lng=113.62, k=3, now=NOW)
    assert [r.id for r in got] == [s.pk for s in made[:3]]
    assert nearest_stations(lat=34.75, lng=113.62, k=1, now=NOW)[0].id == made[0].pk


def test_a_change_in_another_process_is_seen_after_the_recheck_interval(station, settings):
    """Another process changes a station (its stamp moves, this process was not told): this
    process keeps its index until the recheck interval has passed, then rebuilds."""
    settings.STATION_INDEX_RECHECK = 3600
    first = station("原有驿站", lat=34.75, lng=113.62)
    assert [r.id for r in nearest_stations(lat=34.75, lng=113.62, k=5, now=NOW)] == [first.pk]
    Station.objects.filter(pk=first.pk).update(status=Status.CLOSED)
    ChangeStamp.objects.filter(key=STAMP).update(token="another-process")
    assert [r.id for r in nearest_stations(lat=34.75, lng=113.62, k=5, now=NOW)] == [first.pk]
    settings.STATION_INDEX_RECHECK = 0
    assert nearest_stations(lat=34.75, lng=113.62, k=5, now=NOW) == []


def test_a_rolled_back_change_leaves_no_trace_in_the_index(station, province_admin):
    kept = station("保留驿站", lat=34.75, lng=113.62)
    with pytest.raises(RuntimeError), transaction.atomic():
        station("回滚驿站", lat=34.7500001, lng=113.62)
        assert len(nearest_stations(lat=34.75, lng=113.62, k=5, now=NOW)) == 2
        raise RuntimeError
    assert [r.id for r in nearest_stations(lat=34.75, lng=113.62, k=5, now=NOW)] == [kept.pk]


def test_batch_search_equals_one_by_one(henan_stations):
    """The bench's batches and the API's single searches are the same search."""
    rng = random.Random(7)
    local = timezone.localtime(NOW, SHANGHAI).replace(tzinfo=None)
    index = current_index(local.date())
    points = [(rng.uniform(31, 37), rng.uniform(110, 117)) for _ in range(300)]
    for filters in [
        dict(k=4, within_m=None, open_now=True, facilities=COMMON),
        dict(k=12, within_m=80_000.0, open_now=False, facilities=RARE),
    ]:
        batch = index.search_many(points, local=local, **filters)
        assert batch == [index.search(lat, lng, local=local, **filters) for lat, lng in points]
    assert any(len(hits) < 12 for hits in batch)  # the rare filter left some short
