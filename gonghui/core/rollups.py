"""One upsert for every rollup table: add deltas to the row of a key, creating it if absent.

``INSERT ... ON CONFLICT (key) DO UPDATE SET n = n + excluded.n`` is understood
by SQLite and PostgreSQL alike and is atomic, so concurrent writers never lose
an increment. The conflict target must be the table's unique constraint.
"""

from django.db import connection, models


def add_to_rollup(
    model: type[models.Model], *, key: dict, deltas: dict[str, int], extra: dict | None = None
) -> None:
    """Add ``deltas`` to the row of ``key`` (``extra`` fills the other columns of a new row).

    Names are field attnames (``org_id``, not ``org``); dates must already be
    ``datetime.date`` and are adapted for the backend here.
    """
    table = model._meta.db_table
    values = {**key, **(extra or {}), **deltas}
    ops = connection.ops
    params = [
        ops.adapt_datefield_value(v) if hasattr(v, "isoformat") else v for v in values.values()
    ]
    columns = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))
    sets = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in deltas)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {sets}",
            params,
        )
