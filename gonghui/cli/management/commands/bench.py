"""``gonghui bench KIND``: timed runs of the project's heavy paths.

Each bench is a function ``bench(*, rows, stdout) -> None`` that runs in the
database Django is connected to and leaves it as it found it. This command
picks that database: ``--database-url`` or a throwaway SQLite file run the
bench in a child process configured for it (settings read ``DATABASE_URL``
once, at start-up); ``DATABASE_URL`` in the environment, or ``--in-place``,
runs it right here.

``report`` reads the database as it is (made by ``gonghui generate``): it times the
report card at a province, a city and a county and checks every figure against DuckDB over
a Parquet export (``gonghui.cli.bench_report``).

``checkin`` and ``stations`` are different: they measure the deployed server
too, so they set up their own database (a temp SQLite file, or a scratch
database on the PostgreSQL server of ``--database-url``/``DATABASE_URL``),
start ``gonghui serve`` and a separate load process themselves.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gonghui.core.errors import DomainError
from gonghui.members.bench import bench_import
from gonghui.orgs.models import Org

BENCHES = {"import": bench_import}


class Command(BaseCommand):
    help = (
        "性能基准：gonghui bench import [--rows 1000000] [--database-url URL] | "
        "gonghui bench checkin [--seconds 30] [--database-url URL] | "
        "gonghui bench stations [--stations 11500,186100] [--queries 10000] [--database-url URL] | "
        "gonghui bench report --year Y [--orgs 410000,411700,411702] [--repeat 5] [--database-url URL]"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted([*BENCHES, "checkin", "stations", "report"]))
        parser.add_argument("--year", type=int, help="report：统计年度（默认今年）")
        parser.add_argument(
            "--orgs", default="410000,411700,411702", help="report：逐级统计的组织代码，逗号分隔"
        )
        parser.add_argument("--repeat", type=int, default=5, help="report：每级热运行次数")
        parser.add_argument("--seconds", type=int, default=30, help="checkin：施压秒数")
        parser.add_argument(
            "--stations", default="11500,186100", help="stations：驿站数，逗号分隔的多轮"
        )
        parser.add_argument("--queries", type=int, default=10_000, help="stations：每轮随机查询数")
        parser.add_argument("--rows", type=int, default=1_000_000, help="生成并导入的行数")
        parser.add_argument(
            "--database-url",
            help="在该数据库中测试（sqlite:///路径 或 postgres://…，不存在则创建）；"
            "默认用环境变量 DATABASE_URL，未设置时用一个临时 SQLite 文件",
        )
        parser.add_argument(
            "--in-place", action="store_true", help="在当前连接的数据库中测试（测试数据结束后删除）"
        )

    def handle(self, kind, rows, database_url, in_place, seconds, stations, queries, **options):
        if kind == "report":
            self._report(database_url, options)
            return
        if kind == "stations":
            from gonghui.stations.bench import run_stations_bench

            try:
                counts = tuple(int(n) for n in stations.split(","))
            except ValueError:
                raise CommandError("--stations 应为逗号分隔的正整数，如 11500,186100") from None
            if min(counts) < 1 or queries < 1:
                raise CommandError("--stations 和 --queries 须为正整数")
            url = database_url or os.environ.get("DATABASE_URL")
            try:
                run_stations_bench(
                    counts=counts, queries=queries, database_url=url, stdout=self.stdout
                )
            except RuntimeError as exc:
                raise CommandError(str(exc)) from None
            return
        if kind == "checkin":
            from gonghui.programs.bench import run_checkin_bench

            url = database_url or os.environ.get("DATABASE_URL")
            run_checkin_bench(seconds=seconds, database_url=url, stdout=self.stdout)
            return
        if rows < 1:
            raise CommandError("--rows 须为正整数")
        if in_place or (not database_url and os.environ.get("DATABASE_URL")):
            self._run_here(kind, rows)
        elif database_url:
            self._run_in_child(kind, rows, database_url)
        else:
            with tempfile.TemporaryDirectory(prefix="gonghui-bench-") as tmp:
                self._run_in_child(kind, rows, f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")

    def _run_here(self, kind: str, rows: int) -> None:
        _ensure_database()
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            call_command("migrate", interactive=False, verbosity=0)
        BENCHES[kind](rows=rows, stdout=self.stdout)

    def _run_in_child(self, kind: str, rows: int, url: str) -> None:
        env = {**os.environ, "DATABASE_URL": url}
        argv = [sys.executable, "-m", "gonghui.manage", "bench", kind, f"--rows={rows}"]
        self.stdout.write(f"数据库：{_without_password(url)}")
        self.stdout.flush()
        done = subprocess.run([*argv, "--in-place"], env=env, check=False)
        if done.returncode:
            raise CommandError(f"基准测试失败（退出码 {done.returncode}）")

    def _report(self, database_url: str | None, options: dict) -> None:
        if database_url:  # settings read DATABASE_URL once: run in a child configured for it
            argv = [sys.executable, "-m", "gonghui.manage", "bench", "report"]
            argv += [f"--orgs={options['orgs']}", f"--repeat={options['repeat']}"]
            argv += [f"--year={options['year']}"] if options["year"] else []
            done = subprocess.run(argv, env={**os.environ, "DATABASE_URL": database_url})
            if done.returncode:
                raise CommandError(f"基准测试失败（退出码 {done.returncode}）")
            return
        from gonghui.accounts.cli import acting_user
        from gonghui.cli.bench_report import run_report_bench
        from gonghui.core.periods import period_asked

        if options["repeat"] < 1:
            raise CommandError("--repeat 须为正整数")
        try:
            period = period_asked(options["year"], None, None)
        except DomainError as err:
            raise CommandError(err.message) from None
        codes = [code.strip() for code in options["orgs"].split(",") if code.strip()]
        missing = set(codes) - set(
            Org.objects.filter(code__in=codes).values_list("code", flat=True)
        )
        if missing:
            raise CommandError(
                f"没有这些组织：{'、'.join(sorted(missing))}（请先运行 gonghui generate）"
            )
        with tempfile.TemporaryDirectory(prefix="gonghui-parquet-") as folder:
            problems = run_report_bench(
                user=acting_user(None),
                period=period,
                codes=codes,
                repeat=options["repeat"],
                folder=Path(folder),
                stdout=self.stdout,
            )
        if problems:
            raise CommandError(f"成绩单与 DuckDB 有 {len(problems)} 处不一致")


def _ensure_database() -> None:
    """Create the PostgreSQL database named in the settings if it does not exist yet."""
    if connection.vendor != "postgresql":
        return
    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
