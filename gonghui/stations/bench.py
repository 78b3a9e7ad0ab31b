"""``gonghui stations bench``: the nearest search timed against a brute-force scan.

Generates stations (over Henan up to 20,000, over China's extent beyond: the
national count), runs random filtered queries through ``nearest_stations`` and
reports queries/s, p50 and p99; then runs a pure-Python brute-force scan over
all stations for a sample of the same queries, checks both give the same
answer and reports its queries/s. Everything runs inside one transaction that
is rolled back, so the database is left as it was found.
"""

import datetime
import random
import statistics
import time

from django.db import transaction
from django.utils import timezone

from gonghui.orgs.models import Org
from gonghui.stations.coords import Crs, from_wgs84
from gonghui.stations.geo import haversine_m
from gonghui.stations.hours import is_open_at, parse_hours
from gonghui.stations.models import Station, Status
from gonghui.stations.selectors import SHANGHAI, nearest_stations
from gonghui.stations.vocabulary import FACILITIES

HENAN = ((31.4, 36.4), (110.4, 116.6))
CHINA = ((18.2, 53.5), (73.5, 134.8))
HOURS = [parse_hours(t) for t in ("00:00-24:00", "08:00-20:00", "20:00-06:00",
                                  "周一至周五 07:00-19:00；周六、周日 休息")]  # fmt: skip
HOT_FOOD = FACILITIES[1].bit
BRUTE_SAMPLE = 200  # a pure-Python scan of every station per query is slow; time a sample


def _station(rng: random.Random, i: int, org: Org, region) -> Station:
    (lat0, lat1), (lng0, lng1) = region
    lat, lng = round(rng.uniform(lat0, lat1), 7), round(rng.uniform(lng0, lng1), 7)
    gcj = from_wgs84(lat, lng, Crs.GCJ02)
    bd = from_wgs84(lat, lng, Crs.BD09)
    return Station(
        org=org, org_path=org.path, name=f"基准驿站{i}", address="基准地址", lat=lat, lng=lng,
        input_crs=Crs.WGS84.value, input_lat=lat, input_lng=lng, gcj_lat=gcj[0], gcj_lng=gcj[1],
        bd_lat=bd[0], bd_lng=bd[1], facilities=rng.getrandbits(len(FACILITIES)),
        hours=[[list(s) for s in day] for day in rng.choice(HOURS)],
        status=Status.OPEN if rng.random() < 0.9 else Status.SUSPENDED,
    )  # fmt: skip


def _queries(rng: random.Random, count: int, region) -> list[dict]:
    (lat0, lat1), (lng0, lng1) = region
    return [
        {"lat": rng.uniform(lat0, lat1), "lng": rng.uniform(lng0, lng1), "k": 5,
         "within_m": rng.choice([None, None, 3000.0]), "open_now": rng.random() < 0.3,
         "facilities": HOT_FOOD if rng.random() < 0.5 else 0}
        for _ in range(count)
    ]  # fmt: skip


def _brute_force(everything: list[tuple], query: dict, local: datetime.datetime) -> list[int]:
    found = []
    for pk, lat, lng, bits, hours in everything:
        distance = haversine_m(query["lat"], query["lng"], lat, lng)
        if query["within_m"] is not None and distance > query["within_m"]:
            continue
        if bits & query["facilities"] != query["facilities"]:
            continue
        if query["open_now"] and not is_open_at(hours, local):
            continue
        found.append((distance, pk))
    return [pk for _, pk in sorted(found)[: query["k"]]]


def bench_stations(*, stations: int, queries: int, stdout, seed: int = 1) -> dict:
    """Run the bench and write a report to ``stdout``; returns the figures."""
    rng = random.Random(seed)
    region = HENAN if stations <= 20_000 else CHINA
    now = timezone.now()
    local = timezone.localtime(now, SHANGHAI).replace(tzinfo=None)
    with transaction.atomic():
        org = Org.objects.get(code="410000")
        started = time.perf_counter()
        for start in range(0, stations, 5000):
            Station.objects.bulk_create(
                [_station(rng, i, org, region) for i in range(start, min(start + 5000, stations))]
            )
        stdout.write(f"生成{stations}个驿站：{time.perf_counter() - started:.1f}秒")
        asked = _queries(rng, queries, region)
        times, answers = [], []
        for query in asked:
            t0 = time.perf_counter()
            answers.append([r.id for r in nearest_stations(**query, now=now)])
            times.append(time.perf_counter() - t0)
        everything = list(
            Station.objects.filter(status=Status.OPEN).values_list(
                "id", "lat", "lng", "facilities", "hours"
            )
        )
        sample = asked[:BRUTE_SAMPLE]
        t0 = time.perf_counter()
        brute = [_brute_force(everything, query, local) for query in sample]
        brute_seconds = time.perf_counter() - t0
        transaction.set_rollback(True)
    figures = {
        "queries_per_s": len(times) / sum(times),
        "p50_ms": statistics.median(times) * 1000,
        "p99_ms": sorted(times)[max(0, int(len(times) * 0.99) - 1)] * 1000,
        "brute_queries_per_s": len(sample) / brute_seconds,
        "agree": brute == answers[: len(sample)],
    }
    stdout.write(
        f"最近驿站查询（进程内，{queries}次，k=5，含设施/此刻开放/3公里筛选）："
        f"{figures['queries_per_s']:.0f}次/秒，p50 {figures['p50_ms']:.2f}毫秒，"
        f"p99 {figures['p99_ms']:.2f}毫秒"
    )
    stdout.write(
        f"暴力全表扫描（纯Python，{len(sample)}次）：{figures['brute_queries_per_s']:.1f}次/秒；"
        f"倍数 {figures['queries_per_s'] / figures['brute_queries_per_s']:.0f}×；"
        f"结果{'一致' if figures['agree'] else '不一致'}"
    )
    return figures
