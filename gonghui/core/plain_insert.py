"""INSERT one new model instance with a plain statement.

For the few writes on a hot path (a check-in's record and its audit event):
Django's insert compiler costs more CPU than the database takes to store the
row, and on a busy service point that CPU is spent while the transaction
holds its locks. The values are prepared exactly as the ORM prepares them
(``pre_save`` then ``get_db_prep_save``), so defaults, ``auto_now_add`` and
JSON/date adaptation behave the same on SQLite and PostgreSQL.
"""

from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model


@cache
def _fields(model: type[Model]) -> tuple:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key)


@cache
def _columns(model: type[Model], vendor: str) -> str:
    return ", ".join(connection.ops.quote_name(f.column) for f in _fields(model))


def _prepared(instance: Model) -> list:
    # The thread's connection, looked up once: through the ``connection`` proxy every
    # field would look it up again, several times.
    db = connections[DEFAULT_DB_ALIAS]
    return [f.get_db_prep_save(f.pre_save(instance, True), db) for f in _fields(type(instance))]


def insert_one(instance: Model) -> None:
    """Store a new ``instance`` (its pk must be unset and auto-generated); sets its pk."""
    sql = _insert_sql(type(instance), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, _prepared(instance))
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias


@cache
def _insert_sql(model: type[Model], vendor: str) -> str:
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(_fields(model)))
    return (
        f"INSERT INTO {quote(model._meta.db_table)} ({_columns(model, vendor)}) VALUES ({marks}) "
        f"RETURNING {quote(model._meta.pk.column)}"
    )


def insert_select(
    instance: Model,
    *,
    source: str | None = None,
    computed: dict[str, str] | None = None,
    with_pk: bool = False,
) -> tuple[str, list]:
    """``INSERT INTO … SELECT …`` of a new ``instance`` and its parameters, for a row written
    as one part of a larger statement: one row per row of ``source`` (a name the statement
    defines; None = exactly one row), with the columns named in ``computed`` (attname → SQL
    expression, e.g. a key another part of the statement returns) taken from the statement
    rather than from the instance. ``with_pk``: the instance's pk (drawn beforehand from the
    table's sequence) is written too."""
    computed = computed or {}
    params = [
        value
        for field, value in zip(_fields(type(instance)), _prepared(instance), strict=True)
        if field.attname not in computed
    ]
    if with_pk:
        params.insert(0, instance.pk)
    sql = _insert_select_sql(
        type(instance), source, tuple(computed.items()), connection.vendor, with_pk
    )
    return sql, params


@cache
def _insert_select_sql(
    model: type[Model],
    source: str | None,
    computed: tuple[tuple[str, str], ...],
    vendor: str,
    with_pk: bool = False,
) -> str:
    given = dict(computed)
    values = ", ".join(given.get(field.attname, "%s") for field in _fields(model))
    table = connection.ops.quote_name(model._meta.db_table)
    columns = _columns(model, vendor)
    if with_pk:
        columns = f"{connection.ops.quote_name(model._meta.pk.column)}, {columns}"
        values = f"%s, {values}"
    sql = f"INSERT INTO {table} ({columns}) SELECT {values}"
    return f"{sql} FROM {source}" if source else sql
