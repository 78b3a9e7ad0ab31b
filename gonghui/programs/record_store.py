"""Writing a service record with everything it moves, all or nothing: the record, its
audit event, the budget it spends and both rollups.

On PostgreSQL this is one statement of data-modifying CTEs: a check-in's writes are
one round trip instead of five, after the one that locks the audit chain's head and
draws the record's id (the audit event's hash covers the id, so it is known before the
statement), then COMMIT. The budget slot's row is locked only until then. The
record is inserted from the row the budget UPDATE returns, so a slot that cannot pay
writes nothing, and a collision with the frequency or request-id constraint aborts
the whole statement. Elsewhere (SQLite, in-process, where a round trip costs
nothing) the same statements run one by one in a transaction.

Both take the budget slot's row before the day's rollup row, as every writer of those
rows does (voids, top-ups), so concurrent writers never wait in a circle.
"""

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from gonghui.audit.chain import Reservation
from gonghui.audit.chain import append as append_events
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
    try:
        row = _run(db, record, event, parts, params, source=source, pk=pk)
    except BaseException:
        record.pk = None
        raise
    if row is None:
        record.pk = None
        return False
    record.pk = row[0]
    record._state.adding = False
    record._state.db = db.alias
    return True


def _run(db, record: ServiceRecord, event: AuditEvent, parts, params, *, source, pk):
    """Lock the audit chain's head and draw the record's id, then the one statement; the
    row it returns (None: the budget slot could not pay). Inside a caller's transaction (an
    import) the atomic block is a savepoint, so a collision does not abort the caller's work."""
    with transaction.atomic(), db.cursor() as cursor:
        table, column = record._meta.db_table, record._meta.pk.column
        head = Reservation(cursor, also=f"nextval(pg_get_serial_sequence('{table}', '{column}'))")
        record.pk = head.also
        event.object_id = str(record.pk)
        sealed = head.seal(event)
        sql, values = insert_select(record, source=source, with_pk=True)
        parts.append(f"rec AS ({sql} RETURNING {pk})")
        params += values
        sql, values = insert_select(event, source="rec")
        parts.append(f"audit AS ({sql})")
        params += values
        sql, values = head.head_statement(sealed, written="rec")
        parts.append(f"head AS ({sql})")
        params += values
        for number, (sql, values) in enumerate(rollups.bump_statements(record, source="rec")):
            parts.append(f"bump{number} AS ({sql})")
            params += values
        cursor.execute(f"WITH {', '.join(parts)} SELECT {pk} FROM rec", params)
        return cursor.fetchone()


class _SlotRunDry(Exception):
    """The worker's budget slot cannot pay; what was written is rolled back."""


def _in_a_transaction(record: ServiceRecord, event: AuditEvent, program: Program) -> bool:
    try:
        with transaction.atomic():
            insert_one(record)
            event.object_id = str(record.pk)
            append_events([event])
            if not budget.spend(program, worker_id=record.worker_id, amount=record.amount_fen):
                raise _SlotRunDry
            rollups.bump(record, sign=1)
    except _SlotRunDry:
        record.pk = None
        return False
    return True
