"""Rollups: the shapes every app keeps, their one recount and rebuild, and writing
many rows at once.

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

from django.db import connection, models, transaction
from django.db.models import Count

from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.core.scoping import ScopedQuerySet


class RollupRow(models.Model):
    """A rollup row lies under an org path, and ``visible_to`` cuts it like any row."""

    org_path = models.CharField(max_length=255, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class OrgPeriodRollup(RollupRow):
    """Person-times, amounts in fen and counts per org × period (the subclass adds ``day``
    or ``year`` and its additive columns): these add up the tree, child by child."""

    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+")

    class Meta:
        abstract = True


class WorkerYearRollup(RollupRow):
    """One row per worker × year × county (``org_path`` is the county's), so that the
    distinct persons of any county or any level above are a count of rows, exact and
    never summed from the children; below county level readers go to the raw records."""

    worker = models.ForeignKey("members.Worker", models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    county = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+")

    class Meta:
        abstract = True


def persons_indexes(prefix: str, *key: str, measures: tuple[str, ...] = ()) -> list[models.Index]:
    """The two indexes that answer a ``WorkerYearRollup``'s distinct persons from the index
    alone: ``by_worker`` hands a whole province's rows over in worker order, so their
    distinct count needs no sort; ``by_path`` narrows a city's or a county's to its range of
    paths. ``key`` leads both (a card line), ``measures`` are the counts a read filters on
    or adds up. ``distinct_workers`` words each read so that SQLite picks the right one."""
    tail = ("year", "worker", "org_path")
    return [
        models.Index(fields=[*key, *tail, *measures], name=f"{prefix}_by_worker"),
        models.Index(
            fields=[*key, "year", "org_path", "worker", *measures], name=f"{prefix}_by_path"
        ),
    ]


@dataclass(frozen=True)
class RollupTable:
    """One rollup table as its recount sees it: the columns that name a row (``key``,
    attnames, ``org_path`` among them) and the additive ``columns``. A recount is a
    Counter of ``(*key, column) → amount``; zero amounts are the same as no row.

    For a ``WorkerYearRollup`` the key holds the county's path but not its id, which
    the rebuild looks up through the ``county`` foreign key."""

    label: str
    model: type[models.Model]
    key: tuple[str, ...]
    columns: tuple[str, ...]

    def stored(self) -> Counter:
        width = len(self.key)
        rows = self.model._default_manager.values_list(*self.key, *self.columns)
        have: Counter = Counter()
        for row in rows.iterator(chunk_size=10_000):
            for column, amount in zip(self.columns, row[width:], strict=True):
                have[(*row[:width], column)] += amount
        return +have

    def rebuild(self, want: Counter) -> None:
        """Replace every row with ``want``; call inside a transaction."""
        self.model._default_manager.all().delete()
        rows: dict[tuple, list[int]] = {}
        for (*key, column), amount in (+want).items():
            rows.setdefault(tuple(key), [0] * len(self.columns))[self.columns.index(column)] += (
                amount
            )
        names = [*self.key, *self.columns]
        values = [(*key, *amounts) for key, amounts in rows.items()]
        if issubclass(self.model, WorkerYearRollup):
            where = self.key.index("org_path")
            org = self.model._meta.get_field("county").related_model
            paths = {row[where] for row in values}
            county_ids = dict(org.objects.filter(path__in=paths).values_list("path", "id"))
            names.append("county_id")
            values = [(*row, county_ids[row[where]]) for row in values]
        insert_rows(self.model, names, values)


@dataclass(frozen=True)
class RollupSet:
    """What an app declares of its rollups, as ``ROLLUPS`` in its ``rollups`` module:
    its tables and the one pass over its raw records that recounts them (a Counter per
    table, in order). ``gonghui rollup check|rebuild`` works through these, and so will
    the report card.

    ``also_check`` and ``also_rebuild`` cover state kept beside the tables (a
    programme's budget slots, whose spending the same recount yields)."""

    label: str
    tables: tuple[RollupTable, ...]
    recount: Callable[[], tuple[Counter, ...]]
    also_check: Callable[[tuple[Counter, ...]], list[str]] | None = None
    also_rebuild: Callable[[tuple[Counter, ...]], None] | None = None

    def differences(self) -> list[str]:
        """Every disagreement between the tables and a recount, in words; empty when none."""
        want = self.recount()
        problems = [
            problem
            for table, counted in zip(self.tables, want, strict=True)
            for problem in counter_differences(table.label, counted, table.stored())
        ]
        return problems + (self.also_check(want) if self.also_check else [])

    def rebuild(self) -> None:
        """Recompute every table from the raw records, all or nothing."""
        with transaction.atomic():
            want = self.recount()
            for table, counted in zip(self.tables, want, strict=True):
                table.rebuild(counted)
            if self.also_rebuild:
                self.also_rebuild(want)


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


def add_many_to_rollup(
    model: type[models.Model],
    *,
    key: tuple[str, ...],
    extra: tuple[str, ...] = (),
    deltas: tuple[str, ...],
    rows: list[tuple],
) -> None:
    """``add_to_rollup`` for many keys at once (a batch of a file import): each row holds
    the values of ``key``, then of ``extra``, then of ``deltas`` (attnames), bound as given.
    Keys must be distinct within ``rows`` (PostgreSQL refuses to update one row twice in a
    statement): group first.

    PostgreSQL gets one statement whatever the number of rows, each column bound as one
    array and ``unnest``-ed (long multi-row VALUES took about twice as long there, measured
    on a roster's 15,000 keys); SQLite gets multi-row VALUES within its bound-parameter
    limit."""
    if not rows:
        return
    table = model._meta.db_table
    names = [*key, *extra, *deltas]
    upsert = (
        f"INSERT INTO {table} ({', '.join(names)}) {{values}} "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
        + ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in deltas)
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            types = [model._meta.get_field(name).db_type(connection) for name in names]
            arrays = ", ".join(f"%s::{kind}[]" for kind in types)
            columns = [list(column) for column in zip(*rows, strict=True)]
            cursor.execute(upsert.format(values=f"SELECT * FROM unnest({arrays})"), columns)
            return
        marks = "(" + ", ".join(["%s"] * len(names)) + ")"
        per_statement = max(1, 900 // len(names))
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            cursor.execute(
                upsert.format(values="VALUES " + ", ".join([marks] * len(batch))),
                [v for row in batch for v in row],
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


def in_years(years: tuple[int, int]) -> dict:
    """A rollup's ``year`` filter for whole years: one year is an equality, so that an index
    goes on past ``year`` to the path or the worker (a range would stop it there)."""
    first, last = years
    return {"year": first} if first == last else {"year__range": years}


def distinct_workers(
    under: Under,
    period: Period,
    *,
    per_county: models.QuerySet,
    raw: models.QuerySet,
    raw_date: str | None,
) -> int:
    """Exact distinct workers ``under`` an org in ``period``: from the per-county rollup
    (filtered by ``year``) for whole years at county level and above, where it is small;
    from the raw rows (filtered by their date field ``raw_date``, or already narrowed to
    the period when None) below county level, for the 本级 row, or for part of a year,
    which that rollup cannot split. Both querysets carry ``worker_id`` and ``org_path``."""
    years = period.whole_years
    if years and not under.own and under.path.count("/") <= COUNTY_DEPTH:
        rows = per_county.filter(**in_years(years))
    else:
        rows = raw.filter(**period.dates(raw_date)) if raw_date else raw
    rows = rows.filter(**under.filter())
    if under.path.count("/") == 1:
        # A whole tree: read in worker order (``persons_indexes``' by_worker) and count
        # each run of one worker once, without sorting the province's rows.
        return rows.values("worker_id").distinct().count()
    return rows.aggregate(n=Count("worker_id", distinct=True))["n"]
