"""The check-in benchmark: the real server, driven from a separate load process.

``run_checkin_bench`` builds a scratch database (a temporary SQLite file, or
a scratch database on the PostgreSQL server named by ``--database-url``,
dropped afterwards), fills it with a breakfast program, a point, its clerk's
API token and enough workers that each is checked in at most once, starts
``gonghui serve`` (the deploy path, production mode) on 127.0.0.1, and runs
``python -m gonghui.programs.bench load`` against it: first the plain
``GET /api/health`` and then ``POST /api/checkins``, each for ``seconds``, on
keep-alive connections. Afterwards it counts the records in the database:
they must equal the accepted responses, id for id, and the rollups must agree.

The same file holds the helpers the concurrency test uses to start the server
and fire requests at it.
"""

import argparse
import datetime
import json
import os
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

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
    without_password,
)

SCRATCH_DATABASE = f"gonghui_bench_checkin_{os.getpid()}"  # runs side by side do not collide
CONCURRENCY = 16  # load threads, each with one keep-alive connection
WORKERS_PER_SECOND = 1500  # workers created per benchmark second: none is served twice


# --- helpers shared with the concurrency test -----------------------------------------


def fire(base: str, api_token: str, bodies: list[dict], *, threads: int) -> list[tuple[int, dict]]:
    """POST every body to /api/checkins at once from ``threads`` threads; answers in order."""
    local = threading.local()
    start = threading.Barrier(threads)
    clients: list[ApiClient] = []

    def client() -> ApiClient:
        if not hasattr(local, "client"):
            local.client = ApiClient(base, api_token)
            clients.append(local.client)
        return local.client

    def warm(_) -> None:
        client()
        start.wait()

    def send(body: dict) -> tuple[int, dict]:
        status, answer, _ = client().call("POST", "/api/checkins", body)
        return status, answer

    from concurrent.futures import ThreadPoolExecutor

    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(warm, range(threads)))  # every thread exists before the first request
            return list(pool.map(send, bodies))
    finally:
        for each in clients:
            each.close()


# --- the benchmark ---------------------------------------------------------------------


def run_checkin_bench(*, seconds: int, database_url: str | None, stdout) -> None:
    """Benchmark check-ins through the real server; ``database_url`` None = a temp SQLite file.

    Raises ``RuntimeError`` if the records do not match the accepted responses.
    """
    with tempfile.TemporaryDirectory(prefix="gonghui-bench-checkin-") as tmp:
        work = Path(tmp)
        with scratch_database(database_url, work, SCRATCH_DATABASE) as url:
            env = server_env(url, work)
            workers = max(1000, seconds * WORKERS_PER_SECOND)
            stdout.write(
                f"数据库：{without_password(url)}；准备{workers:,}名职工……"
                f"（{os.cpu_count()}核，开始时负载 {os.getloadavg()[0]:.1f}）"
            )
            flush(stdout)
            setup = work / "setup.json"
            _child(env, "setup", "--workers", str(workers), "--out", str(setup))
            with serving(env, log=work / "server.log") as base:
                health = _load(env, base, setup, "health", seconds, work)
                checkins = _load(env, base, setup, "checkin", seconds, work)
            verified = json.loads(
                _child(env, "verify", "--setup", str(setup), "--accepted", checkins["ids_file"])
            )
            for sample in health["error_samples"] + checkins["error_samples"]:
                stdout.write(f"错误响应示例：{sample}")
            if health["errors"] or checkins["errors"]:
                stdout.write(f"服务器日志（末尾）：\n{tail(work / 'server.log')}")
        _report(stdout, health, checkins, verified, workers)


def _report(stdout, health: dict, checkins: dict, verified: dict, workers: int) -> None:
    ratio = checkins["rate"] / health["rate"] if health["rate"] else 0.0
    refused = ", ".join(f"{code} {n}" for code, n in sorted(checkins["refused"].items())) or "0"
    stdout.write(
        f"GET /api/health：{health['requests']:,}次，{health['rate']:,.0f} req/s，"
        f"p50 {health['p50_ms']:.1f} ms，p99 {health['p99_ms']:.1f} ms"
    )
    stdout.write(
        f"POST /api/checkins：{checkins['requests']:,}次，{checkins['rate']:,.0f} check-ins/s，"
        f"p50 {checkins['p50_ms']:.1f} ms，p99 {checkins['p99_ms']:.1f} ms"
        f"（成功 {checkins['accepted']:,}，拒绝 {refused}，错误 {checkins['errors']}）"
    )
    if ratio:
        stdout.write(f"比值：核销 / 健康检查 = {ratio:.1%}（1 : {1 / ratio:.1f}）")
    stdout.write(
        f"核对：数据库记录 {verified['records']:,} 条，成功响应 {checkins['accepted']:,} 条，"
        f"编号一致 {'是' if verified['same_ids'] else '否'}，"
        f"汇总表{'一致' if not verified['differences'] else '不一致'}"
    )
    if checkins["accepted"] >= workers:
        stdout.write("注意：职工已全部核销完，后段请求可能只得到拒绝，请增加职工数")
    if (
        verified["records"] != checkins["accepted"]
        or not verified["same_ids"]
        or verified["differences"]
        or checkins["errors"]
    ):
        raise RuntimeError("核对失败：数据库记录与成功响应不一致或有错误响应")
    stdout.write("records == accepted：通过")


def _child(env: dict, *args: str) -> str:
    return run_child("gonghui.programs.bench", env, *args)


def _load(env: dict, base: str, setup: Path, what: str, seconds: int, work: Path) -> dict:
    out = work / f"load-{what}.json"
    _child(
        env,
        "load",
        "--base",
        base,
        "--setup",
        str(setup),
        "--what",
        what,
        "--seconds",
        str(seconds),
        "--out",
        str(out),
    )
    return json.loads(out.read_text())


# --- the child processes ---------------------------------------------------------------


def _setup(workers: int, out: Path) -> None:
    """Migrate, then a province breakfast, a point in 驿城区, its clerk's API token, workers."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)

    from gonghui.accounts.models import Role
    from gonghui.accounts.services import create_staff, issue_api_token
    from gonghui.members.generate import roster_rows, write_roster_csv
    from gonghui.members.importers import import_workers
    from gonghui.orgs.models import Org, OrgKind
    from gonghui.programs.models import Frequency, ProgramKind
    from gonghui.programs.services import create_program, create_service_point

    province = Org.objects.get(code="410000")
    admin = create_staff(
        by=None,
        username="bench-admin",
        password=None,
        org=province,
        role=Role.PROVINCE_ADMIN,
    )
    clerk = create_staff(
        by=None,
        username="bench-clerk",
        password=None,
        org=Org.objects.get(code="411702"),
        role=Role.POINT_STAFF,
    )
    today = datetime.date.today()
    program = create_program(
        by=admin,
        org=province,
        name="基准测试早餐",
        kind=ProgramKind.DAILY,
        frequency=Frequency.DAILY,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=30),
        unit_cost_fen=500,
        budget_fen=10**12,
    )
    point = create_service_point(
        by=admin, org=clerk.org, name="基准测试早餐店", programs=[program], staff=[clerk]
    )
    counties = list(Org.objects.filter(kind=OrgKind.COUNTY).values_list("code", flat=True))
    roster = out.with_suffix(".csv")
    write_roster_csv(roster, roster_rows(workers, org_codes=counties, seed=2026))
    report = import_workers(roster, by=admin)
    if not report.ok:
        raise RuntimeError(report.summary())
    from gonghui.members.selectors import workers_visible_to

    worker_ids = list(workers_visible_to(admin).order_by("id").values_list("id", flat=True))
    out.write_text(
        json.dumps(
            {
                "api_token": issue_api_token(user=clerk, name="bench"),
                "program": program.pk,
                "point": point.pk,
                "workers": worker_ids,
            }
        )
    )


def _drive(base: str, setup: dict, what: str, seconds: float, concurrency: int) -> dict:
    """Requests from ``concurrency`` threads for ``seconds``; latencies, outcomes, record ids."""
    from gonghui.members.cards import issue_card_token

    builder = ApiClient(base, setup["api_token"])
    health = builder.request("GET", "/api/health")
    # Every check-in request is built before the clock starts (tokens live for minutes).
    checkins = iter(
        [
            builder.request(
                "POST",
                "/api/checkins",
                {
                    "point": setup["point"],
                    "program": setup["program"],
                    "token": issue_card_token(worker),
                    "request_id": f"bench-{serial}",
                },
            )
            for serial, worker in enumerate(setup["workers"] if what == "checkin" else [])
        ]
    )
    take = threading.Lock()
    results: list[tuple[list[float], list[int], Counter, int]] = []
    samples: list[str] = []  # the first few unexpected answers, to show what went wrong
    deadline = time.perf_counter() + seconds

    def run() -> None:
        client = ApiClient(base, setup["api_token"])
        latencies: list[float] = []
        accepted: list[int] = []
        outcomes: Counter = Counter()
        errors = 0
        while time.perf_counter() < deadline:
            if what == "health":
                status, body, elapsed = client.send(health)
                if status != 200 or body != {"status": "ok"}:
                    errors += 1
                    samples.append(f"{status} {body}"[:300])
                latencies.append(elapsed)
                continue
            with take:
                request = next(checkins, None)
            if request is None:
                break
            try:
                status, answer, elapsed = client.send(request)
            except OSError as exc:
                errors += 1
                samples.append(repr(exc))
                continue
            latencies.append(elapsed)
            if status == 200 and answer.get("ok"):
                accepted.append(answer["record_id"])
            elif status == 409:
                outcomes[answer.get("code", "?")] += 1
            else:
                errors += 1
                samples.append(f"{status} {answer}"[:300])
        results.append((latencies, accepted, outcomes, errors))

    elapsed = run_threads(run, concurrency)
    accepted = [x for r in results for x in r[1]]
    refused: Counter = sum((r[2] for r in results), Counter())
    return {
        "what": what,
        **latency_figures([x for r in results for x in r[0]], elapsed),
        "accepted": len(accepted),
        "accepted_ids": accepted,
        "refused": dict(refused),
        "errors": sum(r[3] for r in results),
        "error_samples": samples[:5],
    }


def _verify(setup: dict, accepted: list[int]) -> dict:
    from gonghui.programs.models import ServiceRecord
    from gonghui.programs.rollups import ROLLUPS

    ids = set(
        ServiceRecord.objects.filter(program_id=setup["program"], voided=False).values_list(
            "id", flat=True
        )
    )
    return {
        "records": len(ids),
        "same_ids": ids == set(accepted) and len(accepted) == len(set(accepted)),
        "differences": ROLLUPS.differences()[:20],  # the scratch database holds one programme
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gonghui.programs.bench")
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser("setup")
    setup.add_argument("--workers", type=int, required=True)
    setup.add_argument("--out", type=Path, required=True)
    load = commands.add_parser("load")
    load.add_argument("--base", required=True)
    load.add_argument("--setup", type=Path, required=True)
    load.add_argument("--what", choices=["health", "checkin"], required=True)
    load.add_argument("--seconds", type=float, required=True)
    load.add_argument("--concurrency", type=int, default=CONCURRENCY)
    load.add_argument("--out", type=Path, required=True)
    verify = commands.add_parser("verify")
    verify.add_argument("--setup", type=Path, required=True)
    verify.add_argument("--accepted", type=Path, required=True)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    if args.command == "setup":
        _setup(args.workers, args.out)
    elif args.command == "load":
        result = _drive(
            args.base,
            json.loads(args.setup.read_text()),
            args.what,
            args.seconds,
            args.concurrency,
        )
        ids_file = args.out.with_suffix(".ids.json")
        ids_file.write_text(json.dumps(result.pop("accepted_ids")))
        result["ids_file"] = str(ids_file)
        args.out.write_text(json.dumps(result))
    else:
        accepted = json.loads(args.accepted.read_text())
        print(json.dumps(_verify(json.loads(args.setup.read_text()), accepted)))


if __name__ == "__main__":
    main()
