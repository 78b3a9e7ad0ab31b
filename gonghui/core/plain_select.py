"""Build model instances from the row of a plain statement.

For the few reads on a hot path (an API token's account; a check-in's point,
program and worker, read together in one statement): a ``RawQuerySet`` works
out its column mapping and value converters again on every call, which costs
more CPU than the database takes to answer. Here they are worked out once per
model and column list, and one row may carry several models side by side.
Values pass through the same converters the ORM applies (SQLite hands back
dates as text and booleans as integers), so an instance is the one the ORM
would build.
"""

from collections.abc import Sequence
from functools import cache
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model

M = TypeVar("M", bound=Model)


@cache
def _plan(model: type[Model], names: tuple[str, ...] | None, vendor: str) -> tuple:
    fields = model._meta.concrete_fields
    if names is not None:
        # In the model's own order, which Model.from_db expects of a subset.
        wanted = {model._meta.get_field(name) for name in names}
        fields = [field for field in fields if field in wanted]
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, column, found))
    attnames = tuple(f.attname for f in fields)
    pk_at = attnames.index(model._meta.pk.attname)
    return tuple(f.column for f in fields), attnames, tuple(converters), pk_at


def select_list(model: type[Model], alias: str, names: tuple[str, ...] | None = None) -> str:
    """``alias.column, …`` for the model's concrete fields (or only ``names``, which must
    include the primary key), in the order ``from_row`` reads them."""
    return _select_list(model, alias, names, connection.vendor)


@cache
def _select_list(model: type[Model], alias: str, names: tuple[str, ...] | None, vendor: str) -> str:
    columns, _, _, _ = _plan(model, names, vendor)
    return ", ".join(f"{alias}.{connection.ops.quote_name(column)}" for column in columns)


def from_row(
    model: type[M], row: Sequence, start: int = 0, names: tuple[str, ...] | None = None
) -> tuple[M | None, int]:
    """The instance in ``row`` from ``start`` (None when its primary key is NULL, as when a
    LEFT JOIN found nothing) and where the next model's columns begin."""
    db = connections[DEFAULT_DB_ALIAS]  # once, not through the proxy at every use
    _, attnames, converters, pk_at = _plan(model, names, db.vendor)
    end = start + len(attnames)
    values = list(row[start:end])
    for index, column, found in converters:
        for convert in found:
            values[index] = convert(values[index], column, db)
    if values[pk_at] is None:
        return None, end
    return model.from_db(db.alias, list(attnames), values), end
