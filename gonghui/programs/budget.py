"""A program's spending, kept in ``SLOTS`` counters so check-ins do not queue on one row.

Every check-in adds its amount to the slot of its worker. With a refusing
budget each slot may spend only its allotment, and the allotments add up to
the budget, so the program as a whole can never overspend, however many
check-ins run at once. When a slot runs dry the check-in is rolled back and
``top_up`` shares out what the whole budget has left, in a transaction of its
own that locks all of the program's slots in slot order and nothing else (so
it cannot deadlock with check-ins, which lock one slot, or with other
top-ups); then the check-in is stored again.
"""

from django.db import connection, transaction
from django.db.models import F, Sum

from gonghui.core.audited import service
from gonghui.programs.models import SLOTS, BudgetSlot, Program, WhenExhausted, slot_of

_TABLE = BudgetSlot._meta.db_table


def is_capped(program: Program) -> bool:
    return program.budget_fen is not None and program.when_exhausted == WhenExhausted.REFUSE


def open_budget(program: Program) -> None:
    """The program's slots, with the budget shared out when it is a cap."""
    allotments = _shares(program.budget_fen, first=0) if is_capped(program) else [None] * SLOTS
    BudgetSlot.objects.bulk_create(
        BudgetSlot(program=program, slot=slot, allotted_fen=allotted)
        for slot, allotted in enumerate(allotments)
    )


def spend(program: Program, *, worker_id: int, amount: int) -> bool:
    """Take ``amount`` for a service to ``worker_id``; False when the worker's slot cannot
    pay (the caller rolls back and calls ``top_up``).

    Runs inside the caller's transaction, which holds the slot's row until it ends.
    """
    statement = spend_statement(program, worker_id=worker_id, amount=amount)
    if statement is None:
        return True
    with connection.cursor() as cursor:
        cursor.execute(*statement)
        return cursor.rowcount == 1


def spend_statement(program: Program, *, worker_id: int, amount: int) -> tuple[str, list] | None:
    """The UPDATE that takes ``amount`` from the worker's slot and its parameters; it
    touches no row when the slot cannot pay. None when there is nothing to take."""
    if amount == 0:
        return None
    sql = f"UPDATE {_TABLE} SET spent_fen = spent_fen + %s WHERE program_id = %s AND slot = %s"
    params = [amount, program.pk, slot_of(worker_id)]
    if is_capped(program):
        sql += " AND spent_fen + %s <= allotted_fen"
        params.append(amount)
    return sql, params


@service
def give_back(program_id: int, *, worker_id: int, amount: int) -> None:
    """Return a voided service's amount to its slot (where it was spent)."""
    BudgetSlot.objects.filter(program_id=program_id, slot=slot_of(worker_id)).update(
        spent_fen=F("spent_fen") - amount
    )


def spent_fen(program: Program) -> int:
    """What the program has spent, all slots together."""
    return BudgetSlot.objects.filter(program=program).aggregate(s=Sum("spent_fen"))["s"] or 0


@service
def reset(program: Program, spent_by_slot: dict[int, int]) -> None:
    """Set each slot's spending (the rollup rebuild) and share the rest of a cap out again."""
    slots = list(BudgetSlot.objects.select_for_update().filter(program=program).order_by("slot"))
    for row in slots:
        row.spent_fen = spent_by_slot.get(row.slot, 0)
        row.allotted_fen = None
    if is_capped(program):
        left = program.budget_fen - sum(row.spent_fen for row in slots)
        for row, share in zip(slots, _shares(max(left, 0), first=0), strict=True):
            row.allotted_fen = row.spent_fen + share
    BudgetSlot.objects.bulk_update(slots, ["spent_fen", "allotted_fen"])


def change(program: Program, budget_fen: int | None) -> int | None:
    """Set ``program``'s budget (in memory; the caller saves it) and share what it leaves out
    to the slots again, with every slot locked; returns None, or what is already spent when
    the new budget is below it (then nothing changes)."""
    slots = list(BudgetSlot.objects.select_for_update().filter(program=program).order_by("slot"))
    spent = sum(row.spent_fen for row in slots)
    if budget_fen is not None and budget_fen < spent:
        return spent
    program.budget_fen = budget_fen
    reset(program, {row.slot: row.spent_fen for row in slots})
    return None


@service
@transaction.atomic
def top_up(program: Program, *, worker_id: int, amount: int) -> bool:
    """Share out what the whole budget has left so that the worker's slot can pay
    ``amount``; False when the whole budget cannot."""
    slot = slot_of(worker_id)
    slots = list(BudgetSlot.objects.select_for_update().filter(program=program).order_by("slot"))
    left = sum(row.allotted_fen - row.spent_fen for row in slots)
    if left < amount:
        return False
    shares = _shares(left - amount, first=slot)
    for row, share in zip(slots, shares, strict=True):
        row.allotted_fen = row.spent_fen + share
        if row.slot == slot:
            row.allotted_fen += amount
    BudgetSlot.objects.bulk_update(slots, ["allotted_fen"])
    return True


def _shares(total: int, *, first: int) -> list[int]:
    """``total`` split into ``SLOTS`` near-equal parts, the remainder to slot ``first``."""
    each, rest = divmod(total, SLOTS)
    return [each + (rest if slot == first else 0) for slot in range(SLOTS)]
