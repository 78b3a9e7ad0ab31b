"""The roster-import benchmark: the real import against a raw bulk load of the same rows.

Both run in one process against one database, so the ratio between them says
how much the import's work (every check, encryption, blind index, the existing-
worker lookup, the audit record) costs over simply storing the same values.
The bench removes what it wrote: its workers, the employers it registered and
the scratch table (its import run and audit record stay, as any import's do).
"""

import datetime
import random
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import create_staff
from gonghui.members.generate import roster_rows, write_roster_csv
from gonghui.members.importers import import_workers
from gonghui.members.models import Worker
from gonghui.members.rollups import take_out_of_outdoor
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Employer, Org, OrgKind

FILENAME = "gonghui-bench-roster.csv"
SCRATCH_TABLE = "bench_raw_worker"
EMPLOYERS = 200
RAW_CHUNK = 20_000


def bench_import(*, rows: int, stdout) -> None:
    """Generate ``rows`` workers, import them, bulk-load the same values raw; print both rates."""
    admin, created_admin = _province_admin()
    counties = list(Org.objects.filter(kind=OrgKind.COUNTY).values_list("code", flat=True))
    rng = random.Random(2026)
    employers = [
        (f"基准测试单位{i:03d}有限公司", make_uscc(rng, rng.choice(counties)))
        for i in range(EMPLOYERS)
    ]
    known_employers = set(
        Employer.objects.filter(uscc__in=[c for _, c in employers]).values_list("uscc", flat=True)
    )
    workers_before = Worker.objects.count()
    stdout.write(
        f"数据库：{connection.vendor} {connection.settings_dict['NAME']}；职工表现有{workers_before}行"
    )
    with tempfile.TemporaryDirectory(prefix="gonghui-bench-") as tmp:
        path = Path(tmp) / FILENAME
        with _bar(f"生成{rows}行名册", rows) as advance:
            write_roster_csv(
                path, _counted(roster_rows(rows, org_codes=counties, employers=employers), advance)
            )
        with _bar("校验", rows) as advance:
            start = time.perf_counter()
            report = import_workers(path, by=admin, progress=_phases(advance))
            imported = time.perf_counter() - start
    if not report.ok:
        raise RuntimeError(f"基准名册未能导入：{report.summary()}")
    try:
        values = _imported_values(report.run_id)
        loaded = _raw_load(values)
    finally:
        _remove(report.run_id, employers, known_employers)
        if created_admin:
            User.objects.filter(pk=admin.pk).update(is_active=False)
    import_rate, raw_rate = rows / imported, rows / loaded
    raw_kind = "COPY" if connection.vendor == "postgresql" else "executemany"
    stdout.write(report.summary())
    stdout.write(
        f"完整校验导入：{rows:,}行，{imported:.2f}秒，{import_rate:,.0f} rows/s"
        "（读文件、逐行校验、加密、盲索引、查重、写入、审计，一个事务）"
    )
    stdout.write(
        f"原始批量写入：{rows:,}行，{loaded:.2f}秒，{raw_rate:,.0f} rows/s"
        f"（{raw_kind}，预先算好的同样的值，写入无索引的同列临时表）"
    )
    stdout.write(
        f"比值：导入 / 原始写入 = 1 : {raw_rate / import_rate:.1f}（{import_rate / raw_rate:.1%}）"
    )
    stdout.write(f"已清理：职工表恢复为{Worker.objects.count()}行")


def _province_admin() -> tuple[User, bool]:
    """The province admin the CLI acts as; one is created (and disabled after) if none exists."""
    admin = (
        User.objects.select_related("org")
        .filter(is_active=True, role=Role.PROVINCE_ADMIN, org__code="410000")
        .order_by("id")
        .first()
    )
    if admin:
        return admin, False
    user = create_staff(
        by=None,
        username=f"bench-{secrets.token_hex(4)}",
        password=None,
        org=Org.objects.get(code="410000"),
        role=Role.PROVINCE_ADMIN,
    )
    return User.objects.select_related("org").get(pk=user.pk), True


def _imported_values(run_id: int) -> list[tuple]:
    """Every column of the rows the import stored: the pre-validated values for the raw load.

    On SQLite, Django's column converters turn stored text back into dates and
    booleans; they are put back into the stored form here, before any timing,
    so the raw load binds the same plain values the import does.
    """
    columns = [f.column for f in Worker._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {Worker._meta.db_table} "
            "WHERE import_run_id = %s ORDER BY id",
            [run_id],
        )
        rows = cursor.fetchall()
    if connection.vendor != "sqlite":
        return rows
    return [tuple(_stored(value) for value in row) for row in rows]


def _stored(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime.date):  # datetimes too
        return str(value)
    return value


def _raw_load(values: list[tuple]) -> float:
    """Seconds to store ``values`` in a fresh scratch table with the worker table's columns."""
    table, columns = Worker._meta.db_table, [f.column for f in Worker._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH_TABLE}")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TABLE {SCRATCH_TABLE} (LIKE {table} INCLUDING DEFAULTS)")
        else:
            cursor.execute(f"CREATE TABLE {SCRATCH_TABLE} AS SELECT * FROM {table} WHERE 0")
    try:
        with _bar("原始批量写入", len(values)) as advance:
            start = time.perf_counter()
            with transaction.atomic(), connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    sql = f"COPY {SCRATCH_TABLE} ({', '.join(columns)}) FROM STDIN"
                    with cursor.cursor.copy(sql) as copy:
                        for number, row in enumerate(values, start=1):
                            copy.write_row(row)
                            if number % RAW_CHUNK == 0:
                                advance(number)
                else:
                    sql = (
                        f"INSERT INTO {SCRATCH_TABLE} ({', '.join(columns)}) "
                        f"VALUES ({', '.join(['%s'] * len(columns))})"
                    )
                    for first in range(0, len(values), RAW_CHUNK):
                        cursor.executemany(sql, values[first : first + RAW_CHUNK])
                        advance(first + RAW_CHUNK)
            elapsed = time.perf_counter() - start
            advance(len(values))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH_TABLE}")
    return elapsed


def _remove(run_id: int | None, employers: list[tuple[str, str]], known: set[str]) -> None:
    """Delete the bench's workers and the employers it registered (not ones that were there)."""
    if run_id is None:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        # Deleting workers is no service's business; the bench takes its own out of the
        # outdoor rollup here, so ``gonghui rollup check`` still agrees after it.
        take_out_of_outdoor(Worker.objects.filter(import_run_id=run_id))
        cursor.execute(f"DELETE FROM {Worker._meta.db_table} WHERE import_run_id = %s", [run_id])
        ours = [code for _, code in employers if code not in known]
        unused = Employer.objects.filter(uscc__in=ours, workers__isnull=True, unions__isnull=True)
        Employer.objects.filter(pk__in=list(unused.values_list("pk", flat=True))).delete()


@contextmanager
def _bar(description: str, total: int):
    """Yields ``advance(done)``; a rich progress bar that stays on screen with its time."""
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns) as bar:
        task = bar.add_task(description, total=total)

        def advance(done: int, description: str | None = None) -> None:
            bar.update(
                task,
                completed=min(done, total),
                description=description or bar.tasks[0].description,
            )

        yield advance


def _counted(rows: Iterator[list[str]], advance) -> Iterator[list[str]]:
    for number, row in enumerate(rows, start=1):
        if number % 10_000 == 0:
            advance(number)
        yield row


def _phases(advance):
    """The importer counts rows checked, then rows written from zero: relabel the bar then."""
    state = {"last": 0, "label": None}

    def progress(done: int, total: int) -> None:
        if done < state["last"]:
            state["label"] = "写入"
        state["last"] = done
        advance(done, state["label"])

    return progress
