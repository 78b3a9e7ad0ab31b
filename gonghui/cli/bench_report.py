"""``gonghui bench report``: the report card at a province, a city and a county, cold and
warm, against DuckDB scanning the same raw records exported to Parquet.

The card reads the rollups the services keep; DuckDB computes every figure from the raw
rows with ``reports.independent``'s SQL, so the run both times the card and checks each of
its figures. Cold is the first card on a new database connection (SQLite's page cache
empty; the operating system's file cache may hold the file); warm is the median of
``repeat`` more. The export to Parquet is timed apart and not counted against DuckDB.
"""

import csv
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.db import connection, models

from gonghui.accounts.models import User
from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.orgs.models import Org
from gonghui.reports.card import report_card
from gonghui.reports.independent import COLUMNS, TABLES, filled, queries

DUCK_TYPES = {
    "BooleanField": "BOOLEAN",
    "DateField": "DATE",
    "DateTimeField": "TIMESTAMP",
    "FloatField": "DOUBLE",
    "DecimalField": "DOUBLE",
}
INTEGERS = ("AutoField", "BigAutoField", "ForeignKey", "OneToOneField", "IntegerField")


@dataclass
class Level:
    org: Org
    cold_s: float
    warm_s: list[float]
    figures: dict[str, int]
    duck_s: float = 0.0
    duck: dict[str, int] | None = None

    @property
    def warm(self) -> float:
        return statistics.median(self.warm_s)

    def differences(self) -> list[str]:
        assert self.duck is not None
        return [
            f"{self.org.code} {key}: 成绩单 {value}，DuckDB {self.duck[key]}"
            for key, value in self.figures.items()
            if key in self.duck and self.duck[key] != value
        ]


def _duck_type(field: models.Field) -> str:
    kind = field.get_internal_type()
    if kind in DUCK_TYPES:
        return DUCK_TYPES[kind]
    if any(kind.endswith(name) for name in INTEGERS):
        return "BIGINT"
    return "VARCHAR"


def export_parquet(folder: Path, stdout) -> float:
    """Every raw table the independent SQL reads, as ``folder/<table>.parquet``; seconds."""
    started = time.perf_counter()
    duck = duckdb.connect()
    for model in TABLES:
        table = model._meta.db_table
        names = list(COLUMNS[model])
        fields = [next(f for f in model._meta.concrete_fields if f.attname == n) for n in names]
        staged = folder / f"{table}.csv"
        rows = 0
        with staged.open("w", newline="") as out, connection.cursor() as cursor:
            writer = csv.writer(out)
            writer.writerow(names)
            cursor.execute(f"SELECT {', '.join(names)} FROM {table}")
            while batch := cursor.fetchmany(100_000):
                writer.writerows(batch)
                rows += len(batch)
        columns = ", ".join(f"'{f.attname}': '{_duck_type(f)}'" for f in fields)
        duck.execute(
            f"COPY (SELECT * FROM read_csv('{staged}', header = true, columns = {{{columns}}})) "
            f"TO '{folder / table}.parquet' (FORMAT parquet)"
        )
        staged.unlink()
        stdout.write(f"  导出 {table}: {rows:,} 行")
    duck.close()
    return time.perf_counter() - started


def duck_figures(folder: Path, under: Under, period: Period) -> tuple[dict[str, int], float]:
    """Every figure computed by DuckDB from the Parquet files, and the seconds it took."""
    con = duckdb.connect()
    for model in TABLES:
        table = model._meta.db_table
        con.execute(
            f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{folder / table}.parquet')"
        )
    started = time.perf_counter()
    found = {}
    for key, sql in queries(period).items():
        found[key] = con.execute(filled(sql, under)).fetchone()[0] or 0
    elapsed = time.perf_counter() - started
    con.close()
    return found, elapsed


def time_card(user: User, org: Org, period: Period, repeat: int) -> Level:
    if not connection.in_atomic_block:  # a test's transaction must outlive the bench
        connection.close()  # cold: a new connection, its page cache empty
    started = time.perf_counter()
    card = report_card(user, period=period, org_code=org.code)
    cold = time.perf_counter() - started
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        report_card(user, period=period, org_code=org.code)
        warm.append(time.perf_counter() - started)
    figures = {key: figure.value for key, figure in card.figures.items()}
    return Level(org=org, cold_s=cold, warm_s=warm, figures=figures)


def run_report_bench(
    *, user: User, period: Period, codes: list[str], repeat: int, folder: Path, stdout
) -> list[str]:
    """Time the card at each org of ``codes`` and check it against DuckDB; the differences."""
    orgs = [Org.objects.get(code=code) for code in codes]
    stdout.write(f"数据库：{connection.vendor}，期间：{period}，每级热运行 {repeat} 次")
    levels = [time_card(user, org, period, repeat) for org in orgs]
    stdout.write("导出原始记录为 Parquet：")
    exported = export_parquet(folder, stdout)
    stdout.write(f"  导出共用时 {exported:.1f} s（不计入 DuckDB 用时）")
    for level in levels:
        level.duck, level.duck_s = duck_figures(folder, Under(level.org.path), period)
    stdout.write("")
    stdout.write(f"{'组织':<12}{'冷(ms)':>10}{'热中位(ms)':>12}{'DuckDB(ms)':>12}{'DuckDB/热':>11}")
    for level in levels:
        stdout.write(
            f"{level.org.name[:10]:<12}{level.cold_s * 1000:>10.1f}{level.warm * 1000:>12.1f}"
            f"{level.duck_s * 1000:>12.1f}{level.duck_s / level.warm:>10.1f}x"
        )
    problems = [problem for level in levels for problem in level.differences()]
    compared = len(levels[0].figures)
    if problems:
        stdout.write(f"与 DuckDB 不一致 {len(problems)} 处：")
        for problem in problems:
            stdout.write(f"  {problem}")
    else:
        stdout.write(f"{len(levels)} 级 × {compared} 项指标，成绩单与 DuckDB 全部相等")
    return problems
