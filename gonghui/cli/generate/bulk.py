"""How the bulk path writes: plain rows through ``core.rollups.insert_rows`` (COPY on
PostgreSQL, multi-row INSERT on SQLite), with ids it assigns itself.

Ids are assigned here, in the order the services path would create the rows (the next
id after the table's largest), so that the children written in the same phase can name
their parents before those are stored, and so that the two paths leave the same ids.

While a phase pours rows in, ``loading`` turns off the foreign-key checks and, on
SQLite, drops the tables' secondary indexes, then rebuilds them: building an index once
over sorted keys costs a fraction of keeping it through tens of millions of inserts at
random places, and rebuilding a unique index checks the rule it enforces. Foreign keys
are checked again at the end (``PRAGMA foreign_key_check`` / PostgreSQL's deferred
checks at commit) for every table smaller than ``FK_CHECK_ROWS``; the rows of the few
larger ones (service records) take their keys from the same arrays as the checked ones.
"""

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from gonghui.core.rollups import insert_rows

BATCH = 200_000
FK_CHECK_ROWS = 10_000_000
# SQLite's page cache while loading (KiB); restored afterwards.
_SQLITE_CACHE_KIB = 512 * 1024


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


class Rows:
    """The rows of one table, with ids, written ``BATCH`` at a time."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        self.model = model
        # Quoted: a column may be a reserved word (a fund outcome's ``on``).
        self.columns = [connection.ops.quote_name(c) for c in ("id", *columns)]
        self.next_id = next_id(model)
        self.pending: list[tuple] = []
        self.written = 0

    def add(self, *values) -> int:
        """Queue one row (its values in ``columns`` order); returns its id."""
        pk = self.next_id
        self.next_id += 1
        self.pending.append((pk, *values))
        if len(self.pending) >= BATCH:
            self.flush()
        return pk

    def take_ids(self, count: int) -> range:
        """Ids for ``count`` rows the caller builds itself and hands to ``write``."""
        start = self.next_id
        self.next_id += count
        return range(start, start + count)

    def write(self, rows: list[tuple]) -> None:
        """Store rows that already carry their ids (from ``take_ids``)."""
        if rows:
            with transaction.atomic():
                insert_rows(self.model, self.columns, rows)
            self.written += len(rows)

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        self.write(pending)


@contextmanager
def loading(*tables: type[models.Model]) -> Iterator[None]:
    """Load ``tables`` without per-row index upkeep or foreign-key checks; restore both,
    then check the keys (see the module docstring). Must run outside a transaction."""
    names = [model._meta.db_table for model in tables]
    indexes: list[str] = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
            for name in names:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [name],
                )
                for index, sql in cursor.fetchall():
                    cursor.execute(f'DROP INDEX "{index}"')
                    indexes.append(sql)
    disabled = connection.disable_constraint_checking()
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in indexes:
                cursor.execute(sql)
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous = NORMAL")
                cursor.execute("PRAGMA cache_size = -2000")
            else:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(tables)):
                    cursor.execute(sql)
        if disabled:
            connection.enable_constraint_checking()
    small = [m._meta.db_table for m in tables if m._default_manager.count() < FK_CHECK_ROWS]
    connection.check_constraints(table_names=small)


# --- values as the database stores them ------------------------------------------------------


def day_text(day: datetime.date) -> str:
    return day.isoformat()


def stamp_text(moment: datetime.datetime) -> str | datetime.datetime:
    """An aware datetime as the ORM stores it: on SQLite the UTC wall time as text (what
    ``adapt_datetimefield_value`` writes), on PostgreSQL the value itself."""
    if connection.vendor != "sqlite":
        return moment
    return str(moment.astimezone(datetime.UTC).replace(tzinfo=None))


def prepared(model: type[models.Model], field: str, value):
    """``value`` as the ORM would bind it for ``model.field`` (JSON, decimals)."""
    return model._meta.get_field(field).get_db_prep_save(value, connection)
