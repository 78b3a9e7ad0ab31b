"""Rollups kept current by the services, in the same transaction as the record.

``bump`` adds (or, for a void, subtracts) one record's contribution with an
upsert that SQLite and PostgreSQL both understand, so concurrent writers
never lose an increment. ``ROLLUPS`` recounts both tables from the raw records
and checks or resets the programmes' spending slots (``budget``) from the same
recount (``gonghui rollup check|rebuild --app programs``).
"""

from collections import Counter
from functools import cache

from django.db import connection

from gonghui.core.rollups import RollupSet, RollupTable, counter_differences
from gonghui.orgs.selectors import county_path_of, org_id_by_path_sql
from gonghui.programs import budget
from gonghui.programs.models import (
    BudgetSlot,
    Program,
    ProgramDaily,
    ProgramOrgYear,
    ProgramWorkerYear,
    ServiceRecord,
    slot_of,
)

_DAILY = ProgramDaily._meta.db_table
_ORG_YEAR = ProgramOrgYear._meta.db_table
_YEAR = ProgramWorkerYear._meta.db_table


def bump(record: ServiceRecord, *, sign: int = 1) -> None:
    """Add ``sign`` × the record to both rollups; rows that fall to zero are removed.

    The day's row is shared by the check-ins of one org whose workers fall in
    the same slot; its lock is held from here to the commit, so this comes last.
    """
    with connection.cursor() as cursor:
        for statement in bump_statements(record, sign=sign):
            cursor.execute(*statement)
        if sign < 0:
            cursor.execute(
                f"DELETE FROM {_DAILY} WHERE program_id = %s AND person_times <= 0",
                [record.program_id],
            )
            cursor.execute(
                f"DELETE FROM {_YEAR} WHERE program_id = %s AND times <= 0", [record.program_id]
            )
            cursor.execute(
                f"DELETE FROM {_ORG_YEAR} WHERE program_id = %s AND person_times <= 0",
                [record.program_id],
            )


def bump_statements(
    record: ServiceRecord, *, sign: int = 1, source: str | None = None
) -> list[tuple[str, list]]:
    """The three upserts that add ``sign`` × the record to the rollups, with their
    parameters, the shared rows (the org's year, then its day) last. ``source`` (a name a larger statement defines) makes
    them write once per row of it, so that they write nothing when it is empty."""
    year, org_year, day = _bump_sql(source)
    county_path = county_path_of(record.org_path)
    year_params = [
        record.program_id,
        record.program_id,
        record.worker_id,
        record.served_on.year,
        county_path,
        county_path,
        sign,
    ]
    day_params = [
        record.program_id,
        record.org_id,
        record.org_path,
        connection.ops.adapt_datefield_value(record.served_on),
        slot_of(record.worker_id),
        sign,
        sign * record.amount_fen,
    ]
    org_year_params = [
        record.program_id,
        record.program_id,
        record.org_id,
        record.org_path,
        record.served_on.year,
        slot_of(record.worker_id),
        sign,
    ]
    return [(year, year_params), (org_year, org_year_params), (day, day_params)]


@cache
def _bump_sql(source: str | None) -> tuple[str, str, str]:
    def rows(values: str) -> str:
        return f"SELECT {values} FROM {source}" if source else f"VALUES ({values})"

    line = f"(SELECT report_line FROM {Program._meta.db_table} WHERE id = %s)"
    year = (
        f"INSERT INTO {_YEAR} (program_id, line, worker_id, year, county_id, org_path, times) "
        f"{rows(f'%s, {line}, %s, %s, {org_id_by_path_sql()}, %s, %s')} "
        "ON CONFLICT (program_id, worker_id, year, county_id) DO UPDATE SET "
        f"times = {_YEAR}.times + excluded.times"
    )
    org_year = (
        f"INSERT INTO {_ORG_YEAR} (program_id, line, org_id, org_path, year, slot, person_times) "
        f"{rows(f'%s, {line}, %s, %s, %s, %s, %s')} "
        "ON CONFLICT (program_id, org_id, year, slot) DO UPDATE SET "
        f"person_times = {_ORG_YEAR}.person_times + excluded.person_times"
    )
    day = (
        f"INSERT INTO {_DAILY} "
        "(program_id, org_id, org_path, day, slot, person_times, amount_fen) "
        f"{rows('%s, %s, %s, %s, %s, %s, %s')} "
        "ON CONFLICT (program_id, org_id, day, slot) DO UPDATE SET "
        f"person_times = {_DAILY}.person_times + excluded.person_times, "
        f"amount_fen = {_DAILY}.amount_fen + excluded.amount_fen"
    )
    return year, org_year, day


DAILY = RollupTable(
    "日汇总",
    ProgramDaily,
    ("program_id", "org_id", "org_path", "day", "slot"),
    ("person_times", "amount_fen"),
)
ORG_YEAR = RollupTable(
    "年汇总",
    ProgramOrgYear,
    ("program_id", "line", "org_id", "org_path", "year", "slot"),
    ("person_times",),
)
WORKER_YEAR = RollupTable(
    "人数汇总",
    ProgramWorkerYear,
    ("program_id", "line", "worker_id", "year", "org_path"),
    ("times",),
)


def recount() -> tuple[Counter, Counter, Counter]:
    """The three tables recounted from the live (not voided) service records."""
    daily: Counter = Counter()
    org_years: Counter = Counter()
    years: Counter = Counter()
    lines = dict(Program.objects.values_list("id", "report_line"))
    rows = ServiceRecord.objects.filter(voided=False).values_list(
        "program_id", "org_id", "org_path", "served_on", "amount_fen", "worker_id"
    )
    for program, org, path, day, amount, worker in rows.iterator(chunk_size=10_000):
        daily[(program, org, path, day, slot_of(worker), "person_times")] += 1
        daily[(program, org, path, day, slot_of(worker), "amount_fen")] += amount
        org_years[
            (program, lines[program], org, path, day.year, slot_of(worker), "person_times")
        ] += 1
        years[(program, lines[program], worker, day.year, county_path_of(path), "times")] += 1
    return daily, org_years, years


def _spent_by_slot(daily: Counter) -> Counter:
    """(program, slot) → fen spent, added up from the day rollup's amounts (same slots)."""
    spent: Counter = Counter()
    for (program, _org, _path, _day, slot, column), value in daily.items():
        if column == "amount_fen":
            spent[(program, slot)] += value
    return +spent


def _spending_differences(want: tuple[Counter, ...]) -> list[str]:
    """The budget slots' spending against what the recounted day rows spent."""
    have = Counter(
        {
            (program, slot): fen
            for program, slot, fen in BudgetSlot.objects.values_list(
                "program_id", "slot", "spent_fen"
            )
        }
    )
    return counter_differences("支出（预算分槽）", _spent_by_slot(want[0]), have)


def _reset_budgets(want: tuple[Counter, ...]) -> None:
    """Each programme's slots spend what the recount says, and share out the rest again."""
    spent = _spent_by_slot(want[0])
    for program in Program.objects.all():
        budget.reset(program, {slot: fen for (pk, slot), fen in spent.items() if pk == program.pk})


ROLLUPS = RollupSet(
    label="福利项目汇总表",
    tables=(DAILY, ORG_YEAR, WORKER_YEAR),
    recount=recount,
    also_check=_spending_differences,
    also_rebuild=_reset_budgets,
)
