"""Writing rollups and many rows at once.

``add_to_rollup`` is the one upsert for every rollup table: it adds deltas to
the row of a key, creating it if absent.

``INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n`` is understood
by SQLite and PostgreSQL alike and is atomic, so concurrent writers never lose
an increment. The conflict target must be the table's unique constraint.
"""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, models


@dataclass(frozen=True)
class RollupSet:
    """What an app declares of its rollups, as ``ROLLUPS`` in its ``rollups`` module:
    ``gonghui rollup check|rebuild`` works through these, so no app needs a command of
    its own to prove that its tables equal a recount of its raw records."""

    label: str
    rebuild: Callable[[], None]
    differences: Callable[[], list[str]]


def add_to_rollup(
    model: type[models.Model], *, key: dict, deltas: dict[str, int], extra: dict | None = None
) -> None:
    """Add ``deltas`` to the row of ``key`` (``extra`` fills the other columns of a new row).

    Names are field attnames (``org_id``, not ``org``); dates and datetimes
    are adapted for the backend here.
    """
    table = model._meta.db_table
    values = {**key, **(extra or {}), **deltas}
    params = [_adapt(connection.ops, v) for v in values.values()]
    columns = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in deltas)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}",
            params,
        )


def counter_differences(label: str, want: Counter, have: Counter) -> list[str]:
    """Each key where a recount (``want``) and a rollup (``have``) disagree, in words."""
    want, have = +want, +have
    return [
        f"{label} {key}: 原始记录 {want[key]}，汇总表 {have[key]}"
        for key in sorted(set(want) | set(have), key=str)
        if want[key] != have[key]
    ]


def insert_rows(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows (a file import) without building model instances.

    ``bulk_create`` spends most of its time on per-field Python work for each
    object. PostgreSQL gets COPY (psycopg re-parses every long multi-row INSERT
    for its client-side binding); SQLite gets multi-row INSERTs within its
    bound-parameter limit. Columns are attnames; dates and datetimes are adapted.
    """
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        ops = connection.ops
        # Only date and datetime columns need adapting; find them from the first row.
        dated = [i for i, v in enumerate(rows[0]) if isinstance(v, datetime.date)] if rows else []
        if dated:
            rows = [list(row) for row in rows]
            for row in rows:
                for i in dated:
                    row[i] = _adapt(ops, row[i])
        marks = "(" + ", ".join(["%s"] * len(columns)) + ")"
        per_statement = max(1, 900 // len(columns))
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                + ", ".join([marks] * len(batch)),
                [v for row in batch for v in row],
            )


def _adapt(ops, value):
    if type(value) is datetime.date:
        return ops.adapt_datefield_value(value)
    if type(value) is datetime.datetime:
        return ops.adapt_datetimefield_value(value)
    return value


COUNTY_DEPTH = 3  # path segments of a county: 410000/411700/411702/


def distinct_workers(path: str, *, per_county: models.QuerySet, raw: models.QuerySet) -> int:
    """Exact distinct workers under an org ``path``: from the per-county rollup at county
    level and above (small), from the raw rows below it (that rollup cannot split a county).
    Both querysets carry ``worker_id`` and ``org_path``."""
    rows = per_county if path.count("/") <= COUNTY_DEPTH else raw
    return rows.filter(org_path__startswith=path).values("worker_id").distinct().count()
