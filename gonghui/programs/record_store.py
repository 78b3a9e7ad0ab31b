"""Writing a service record with everything it moves, all or nothing: the record, its
audit event, the budget it spends and both rollups.

On PostgreSQL this is one statement of data-modifying CTEs, run in autocommit: a
check-in's writes are one round trip instead of seven (BEGIN, five statements,
COMMIT), and the budget slot's row is locked only while that statement runs. The
record is inserted from the row the budget UPDATE returns, so a slot that cannot pay
writes nothing, and a collision with the frequency or request-id constraint aborts
the whole statement. Elsewhere (SQLite, in-process, where a round trip costs
nothing) the same statements run one by one in a transaction.

Both take the budget slot's row before the day's rollup row, as every writer of those
rows does (voids, top-ups), so concurrent writers never wait in a circle.
"""

import contextlib

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from gonghui.audit.models import AuditEvent
from gonghui.core.plain_insert import insert_one, insert_select
from gonghui.programs import budget, rollups
from gonghui.programs.models import Program, ServiceRecord


def store_record(record: ServiceRecord, *, event: AuditEvent, program: Program) -> bool:
    """Store the new ``record`` and ``event`` (its ``object_id`` becomes the record's id),
    spend the record's amount and add it to the rollups. False, with nothing written,
    when the worker's budget slot cannot pay (``budget.top_up``, then store again);
    ``IntegrityError``, with nothing written, when the record collides with another."""
    if connection.vendor == "postgresql":
        return _in_one_statement(record, event, program)
    return _in_a_transaction(record, event, program)


def _in_one_statement(record: ServiceRecord, event: AuditEvent, program: Program) -> bool:
    db = connections[DEFAULT_DB_ALIAS]  # once, not through the proxy at every use
    parts, params = [], []
    source = None
    spend = budget.spend_statement(program, worker_id=record.worker_id, amount=record.amount_fen)
    if spend is not None:
        parts.append(f"spend AS ({spend[0]} RETURNING 1)")
        params += spend[1]
        source = "spend"
    pk = db.ops.quote_name(record._meta.pk.column)
    sql, values = insert_select(record, source=source)
    parts.append(f"rec AS ({sql} RETURNING {pk})")
    params += values
    sql, values = insert_select(
        event, source="rec", computed={"object_id": f"CAST(rec.{pk} AS varchar)"}
    )
    parts.append(f"audit AS ({sql})")
    params += values
    for number, (sql, values) in enumerate(rollups.bump_statements(record, source="rec")):
        parts.append(f"bump{number} AS ({sql})")
        params += values
    # Inside a caller's transaction (an import), a collision must not abort the caller's
    # work: the statement gets a savepoint of its own there.
    nested = transaction.atomic() if db.in_atomic_block else contextlib.nullcontext()
    with nested, db.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(parts)} SELECT {pk} FROM rec", params)
        row = cursor.fetchone()
    if row is None:
        return False
    record.pk = row[0]
    record._state.adding = False
    record._state.db = db.alias
    return True


class _SlotRunDry(Exception):
    """The worker's budget slot cannot pay; what was written is rolled back."""


def _in_a_transaction(record: ServiceRecord, event: AuditEvent, program: Program) -> bool:
    try:
        with transaction.atomic():
            insert_one(record)
            event.object_id = str(record.pk)
            insert_one(event)
            if not budget.spend(program, worker_id=record.worker_id, amount=record.amount_fen):
                raise _SlotRunDry
            rollups.bump(record, sign=1)
    except _SlotRunDry:
        record.pk = None
        return False
    return True
