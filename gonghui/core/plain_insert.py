"""INSERT one new model instance with a plain statement.

For the few writes on a hot path (a check-in's record and its audit event):
Django's insert compiler costs more CPU than the database takes to store the
row, and on a busy service point that CPU is spent while the transaction
holds its locks. The values are prepared exactly as the ORM prepares them
(``pre_save`` then ``get_db_prep_save``), so defaults, ``auto_now_add`` and
JSON/date adaptation behave the same on SQLite and PostgreSQL.
"""

from functools import cache

from django.db import connection
from django.db.models import Model


@cache
def _statement(model: type[Model], vendor: str) -> tuple[str, tuple]:
    meta = model._meta
    fields = tuple(f for f in meta.concrete_fields if not f.primary_key)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) "
        f"RETURNING {quote(meta.pk.column)}"
    )
    return sql, fields


def insert_one(instance: Model) -> None:
    """Store a new ``instance`` (its pk must be unset and auto-generated); sets its pk."""
    sql, fields = _statement(type(instance), connection.vendor)
    values = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias
