"""``gonghui bench stations``: the nearest search in-process and through the real server,
next to a brute-force numpy scan of every station in the same run.

For each station count (11,500 is Henan's, 186,100 the national count at the
end of 2024) the bench builds a scratch database (a temporary SQLite file, or
a scratch database on the PostgreSQL server of ``--database-url``, dropped
afterwards) holding that many generated stations, then in child processes:

- ``inprocess`` loads the search index and times the same random filtered
  queries one call at a time (what one API request costs) and in batches of
  the same filters (the tree asked for all at once), then a numpy scan of all
  stations for a sample of them; every answer must equal the scan's;
- ``gonghui serve`` (the deploy path) answers ``GET /api/stations/nearest`` for
  the same queries from a separate load process on keep-alive connections,
  next to ``GET /api/health`` in the same run; answers must equal in-process.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import numpy as np

from gonghui.core.benchkit import (
    ApiClient,
    flush,
    latency_figures,
    run_child,
    run_threads,
    scratch_database,
    server_env,
    serving,
    tail,
)

COUNTS = (11_500, 186_100)
HENAN = ((31.4, 36.4), (110.4, 116.6))
CHINA = ((18.2, 53.5), (73.5, 134.8))
HOURS = ("00:00-24:00", "08:00-20:00", "20:00-06:00", "周一至周五 07:00-19:00；周六、周日 休息")
HOT_FOOD = "热饭"
BRUTE_SAMPLE = 1000  # the numpy scan reads every station per query: time a sample
CONCURRENCY = 8  # load threads, each with one keep-alive connection
SCRATCH_DATABASE = f"gonghui_bench_stations_{os.getpid()}"


def run_stations_bench(
    *, counts: tuple[int, ...], queries: int, database_url: str | None, stdout
) -> list[dict]:
    """Run the bench for each count and write the report; raises ``RuntimeError`` when any
    answer differs from the brute-force scan or between in-process and HTTP."""
    figures = []
    for count in counts:
        with tempfile.TemporaryDirectory(prefix="gonghui-bench-stations-") as tmp:
            work = Path(tmp)
            with scratch_database(database_url, work, SCRATCH_DATABASE) as url:
                env = server_env(url, work, GONGHUI_PUBLIC_RATE="1000000000/s")
                stdout.write(f"—— {count:,}个驿站，{queries:,}次随机查询（{os.cpu_count()}核）——")
                flush(stdout)
                plan = work / "plan.json"
                _child(
                    env,
                    "setup",
                    "--stations",
                    str(count),
                    "--queries",
                    str(queries),
                    "--out",
                    str(plan),
                )
                local = json.loads(_child(env, "inprocess", "--plan", str(plan)))
                with serving(env, log=work / "server.log") as base:
                    health = json.loads(
                        _child(env, "load", "--base", base, "--plan", str(plan), "--what", "health")
                    )
                    http = json.loads(
                        _child(
                            env, "load", "--base", base, "--plan", str(plan), "--what", "nearest"
                        )
                    )
                    if http["errors"]:
                        stdout.write(f"服务器日志（末尾）：\n{tail(work / 'server.log')}")
            figures.append(_report(stdout, count, local, health, http))
    return figures


def _report(stdout, count: int, local: dict, health: dict, http: dict) -> dict:
    brute = local["brute_per_s"]
    stdout.write(f"建索引：{local['build_s']:.2f}秒")
    stdout.write(
        f"进程内，逐次调用：{local['single_per_s']:,.0f}次/秒，p50 {local['single_p50_ms']:.3f}毫秒，"
        f"p99 {local['single_p99_ms']:.3f}毫秒（暴力扫描的{local['single_per_s'] / brute:.0f}倍）"
    )
    stdout.write(
        f"进程内，同条件成批：{local['batch_per_s']:,.0f}次/秒（暴力扫描的{local['batch_per_s'] / brute:.0f}倍）"
    )
    stdout.write(
        f"numpy暴力扫描（{local['brute_queries']:,}次）：{brute:,.0f}次/秒；"
        f"结果{'一致' if local['agree'] else '不一致'}"
    )
    stdout.write(
        f"HTTP GET /api/stations/nearest：{http['requests']:,}次，{http['rate']:,.0f}次/秒，"
        f"p50 {http['p50_ms']:.1f}毫秒，p99 {http['p99_ms']:.1f}毫秒，错误 {http['errors']}，"
        f"与进程内{'一致' if http['agree'] else '不一致'}"
    )
    stdout.write(
        f"HTTP GET /api/health：{health['requests']:,}次，{health['rate']:,.0f}次/秒，"
        f"p50 {health['p50_ms']:.1f}毫秒，p99 {health['p99_ms']:.1f}毫秒"
    )
    if not (local["agree"] and http["agree"]) or http["errors"] or health["errors"]:
        raise RuntimeError("最近驿站查询结果不一致或有错误响应")
    return {"stations": count, **local, "http": http, "health": health}


def _child(env: dict, *args: str) -> str:
    return run_child("gonghui.stations.bench", env, *args)


# --- the child processes ---------------------------------------------------------------


def _setup(count: int, queries: int, out: Path) -> None:
    """Migrate, then ``count`` open or suspended stations over Henan (up to 20,000) or China,
    and the random queries (a third near the region's edges or beyond), into ``out``."""
    from django.core.management import call_command
    from django.db import transaction

    from gonghui.core.coords import Crs, from_wgs84
    from gonghui.core.hours import parse_hours
    from gonghui.orgs.models import Org
    from gonghui.stations.models import Station, Status
    from gonghui.stations.search_index import stations_changed
    from gonghui.stations.vocabulary import FACILITIES

    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(count)
    (lat0, lat1), (lng0, lng1) = HENAN if count <= 20_000 else CHINA
    hours = [[list(span) for span in day] for day in (parse_hours(t) for t in HOURS)]
    org = Org.objects.get(code="410000")
    with transaction.atomic():
        for start in range(0, count, 5000):
            made = []
            for i in range(start, min(start + 5000, count)):
                lat, lng = round(rng.uniform(lat0, lat1), 7), round(rng.uniform(lng0, lng1), 7)
                gcj, bd = from_wgs84(lat, lng, Crs.GCJ02), from_wgs84(lat, lng, Crs.BD09)
                made.append(
                    Station(
                        org=org,
                        org_path=org.path,
                        name=f"基准驿站{i}",
                        address="基准地址",
                        lat=lat,
                        lng=lng,
                        input_crs=Crs.WGS84.value,
                        input_lat=lat,
                        input_lng=lng,
                        gcj_lat=gcj[0],
                        gcj_lng=gcj[1],
                        bd_lat=bd[0],
                        bd_lng=bd[1],
                        facilities=rng.getrandbits(len(FACILITIES)),
                        hours=rng.choice(hours),
                        status=Status.OPEN if rng.random() < 0.9 else Status.SUSPENDED,
                    )
                )
            Station.objects.bulk_create(made)
        stations_changed()
    margin = 1.0  # degrees past the region's edges
    asked = [
        {
            "lat": rng.uniform(lat0 - margin, lat1 + margin),
            "lng": rng.uniform(lng0 - margin, lng1 + margin),
            "k": 5,
            "within_m": rng.choice([None, None, 3000.0]),
            "open_now": rng.random() < 0.3,
            "facility": HOT_FOOD if rng.random() < 0.5 else "",
        }
        for _ in range(queries)
    ]
    out.write_text(json.dumps({"queries": asked, "now": time.time()}))


def _filters(query: dict) -> dict:
    from gonghui.stations.vocabulary import facility_bit

    bits = facility_bit(query["facility"]) if query["facility"] else 0
    return {
        "k": query["k"],
        "within_m": query["within_m"],
        "open_now": query["open_now"],
        "facilities": bits,
    }


def _in_process(plan: dict) -> dict:
    """Single calls, batches and the numpy scan over the same queries at the plan's instant."""
    from django.utils import timezone

    from gonghui.stations.search_index import current_index
    from gonghui.stations.selectors import SHANGHAI, nearest_stations

    now = datetime.datetime.fromtimestamp(plan["now"], datetime.UTC)
    local = timezone.localtime(now, SHANGHAI).replace(tzinfo=None)
    asked = [(q["lat"], q["lng"], _filters(q)) for q in plan["queries"]]
    started = time.perf_counter()
    index = current_index(local.date())
    build = time.perf_counter() - started
    times, answers = [], []
    for lat, lng, filters in asked:
        t0 = time.perf_counter()
        answers.append([r.id for r in nearest_stations(lat=lat, lng=lng, now=now, **filters)])
        times.append(time.perf_counter() - t0)
    groups: dict[tuple, list[int]] = {}
    for i, (_, _, filters) in enumerate(asked):
        groups.setdefault(tuple(sorted(filters.items())), []).append(i)
    batched: list[list[int]] = [[] for _ in asked]
    t0 = time.perf_counter()
    for key, members in groups.items():
        hits = index.search_many([asked[i][:2] for i in members], local=local, **dict(key))
        for i, found in zip(members, hits, strict=True):
            batched[i] = [index.ids[row] for row, _, _ in found]
    batch_seconds = time.perf_counter() - t0
    sample = asked[:BRUTE_SAMPLE]
    scan = _NumpyScan(index, local)
    t0 = time.perf_counter()
    brute = [scan.nearest(lat, lng, **filters) for lat, lng, filters in sample]
    brute_seconds = time.perf_counter() - t0
    times.sort()
    return {
        "build_s": build,
        "single_per_s": len(times) / sum(times),
        "single_p50_ms": statistics.median(times) * 1000,
        "single_p99_ms": times[int(len(times) * 0.99) - 1] * 1000,
        "batch_per_s": len(asked) / batch_seconds,
        "brute_per_s": len(sample) / brute_seconds,
        "brute_queries": len(sample),
        "agree": brute == answers[: len(sample)] and batched == answers,
        "answers": answers,
    }


class _NumpyScan:
    """The reference: great-circle distance to every open station, filters, sort, per query."""

    def __init__(self, index, local: datetime.datetime) -> None:
        self.ids = np.array(index.ids, dtype=np.int64)
        self.lat = np.radians(np.array(index.lat))
        self.lng = np.radians(np.array(index.lng))
        self.cos_lat = np.cos(self.lat)
        self.facilities = np.array(index.facilities, dtype=np.int64)
        self.open = index.open_flags(local)

    def nearest(
        self,
        lat: float,
        lng: float,
        *,
        k: int,
        within_m: float | None,
        open_now: bool,
        facilities: int,
    ) -> list[int]:
        from gonghui.core.geo import EARTH_RADIUS_M

        phi, lam = np.radians(lat), np.radians(lng)
        a = (
            np.sin((self.lat - phi) / 2) ** 2
            + np.cos(phi) * self.cos_lat * np.sin((self.lng - lam) / 2) ** 2
        )
        distance = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        keep = (self.facilities & facilities) == facilities
        if open_now:
            keep &= self.open
        if within_m is not None:
            keep &= distance <= within_m
        rows = np.flatnonzero(keep)
        if len(rows) > k:
            rows = rows[np.argpartition(distance[rows], k)[: k + 1]]
        order = np.lexsort((self.ids[rows], distance[rows]))[:k]
        return self.ids[rows[order]].tolist()


def _drive(base: str, plan: dict, what: str) -> dict:
    """Every query once (or as many health checks) from ``CONCURRENCY`` threads."""
    builder = ApiClient(base)
    if what == "health":
        requests = [builder.request("GET", "/api/health")] * len(plan["queries"])
    else:
        requests = [
            builder.request("GET", "/api/stations/nearest?" + _query_string(q))
            for q in plan["queries"]
        ]
    work = iter(enumerate(requests))
    take = threading.Lock()
    latencies: list[float] = []
    answers: dict[int, list[int]] = {}
    errors: list[str] = []

    def run() -> None:
        client = ApiClient(base)
        while True:
            with take:
                item = next(work, None)
            if item is None:
                return
            i, request = item
            status, body, elapsed = client.send(request)
            latencies.append(elapsed)
            if status != 200:
                errors.append(f"{status} {body}"[:300])
            elif what == "nearest":
                answers[i] = [r["id"] for r in body]

    elapsed = run_threads(run, CONCURRENCY)
    return {
        **latency_figures(latencies, elapsed),
        "errors": len(errors),
        "error_samples": errors[:5],
        "answers": [answers.get(i) for i in range(len(requests))] if what == "nearest" else [],
    }


def _query_string(query: dict) -> str:
    params = {"lat": query["lat"], "lng": query["lng"], "k": query["k"]}
    if query["within_m"] is not None:
        params["within_m"] = query["within_m"]
    if query["open_now"]:
        params["open_now"] = 1
    if query["facility"]:
        params["facility"] = query["facility"]
    return urlencode(params)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gonghui.stations.bench")
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser("setup")
    setup.add_argument("--stations", type=int, required=True)
    setup.add_argument("--queries", type=int, required=True)
    setup.add_argument("--out", type=Path, required=True)
    inprocess = commands.add_parser("inprocess")
    inprocess.add_argument("--plan", type=Path, required=True)
    load = commands.add_parser("load")
    load.add_argument("--base", required=True)
    load.add_argument("--plan", type=Path, required=True)
    load.add_argument("--what", choices=["health", "nearest"], required=True)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    if args.command == "setup":
        _setup(args.stations, args.queries, args.out)
        return
    plan = json.loads(args.plan.read_text())
    if args.command == "inprocess":
        result = _in_process(plan)
        plan["answers"] = result.pop("answers")
        args.plan.write_text(json.dumps(plan))
    else:
        result = _drive(args.base, plan, args.what)
        if args.what == "nearest":
            answers = result.pop("answers")
            result["agree"] = _same_where_time_does_not_matter(plan, answers)
    print(json.dumps(result))


def _same_where_time_does_not_matter(plan: dict, answers: list) -> bool:
    """HTTP answers equal the in-process ones, except open-now queries (the server's clock
    has moved on since the plan's instant, so a station may have opened or closed)."""
    return all(
        got == want
        for query, got, want in zip(plan["queries"], answers, plan["answers"], strict=True)
        if not query["open_now"]
    )


if __name__ == "__main__":
    main()
