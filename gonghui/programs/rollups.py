"""Rollups kept current by the services, in the same transaction as the record.

``bump`` adds (or, for a void, subtracts) one record's contribution with an
upsert that SQLite and PostgreSQL both understand, so concurrent writers
never lose an increment. ``rebuild`` recomputes everything from raw records,
the programs' spending slots (``budget``) included; ``differences`` compares
the two to the unit.
"""

from collections import Counter
from functools import cache

from django.db import connection, transaction

from gonghui.core.rollups import RollupSet
from gonghui.orgs.selectors import county_path_of, org_id_by_path_sql, org_ids_by_path
from gonghui.programs import budget
from gonghui.programs.models import (
    BudgetSlot,
    Program,
    ProgramDaily,
    ProgramWorkerYear,
    ServiceRecord,
    slot_of,
)

_DAILY = ProgramDaily._meta.db_table
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


def bump_statements(
    record: ServiceRecord, *, sign: int = 1, source: str | None = None
) -> list[tuple[str, list]]:
    """The two upserts that add ``sign`` × the record to the rollups, with their
    parameters, the day's row last. ``source`` (a name a larger statement defines) makes
    them write once per row of it, so that they write nothing when it is empty."""
    year, day = _bump_sql(source)
    county_path = county_path_of(record.org_path)
    year_params = [
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
    return [(year, year_params), (day, day_params)]


@cache
def _bump_sql(source: str | None) -> tuple[str, str]:
    def rows(values: str) -> str:
        return f"SELECT {values} FROM {source}" if source else f"VALUES ({values})"

    year = (
        f"INSERT INTO {_YEAR} (program_id, worker_id, year, county_id, org_path, times) "
        f"{rows(f'%s, %s, %s, {org_id_by_path_sql()}, %s, %s')} "
        "ON CONFLICT (program_id, worker_id, year, county_id) DO UPDATE SET "
        f"times = {_YEAR}.times + excluded.times"
    )
    day = (
        f"INSERT INTO {_DAILY} "
        "(program_id, org_id, org_path, day, slot, person_times, amount_fen) "
        f"{rows('%s, %s, %s, %s, %s, %s, %s')} "
        "ON CONFLICT (program_id, org_id, day, slot) DO UPDATE SET "
        f"person_times = {_DAILY}.person_times + excluded.person_times, "
        f"amount_fen = {_DAILY}.amount_fen + excluded.amount_fen"
    )
    return year, day


def expected_from_records(program_id: int | None = None) -> tuple[Counter, Counter]:
    """(daily, worker-year) contributions recomputed from live raw records."""
    records = ServiceRecord.objects.filter(voided=False)
    if program_id is not None:
        records = records.filter(program_id=program_id)
    daily: Counter = Counter()
    years: Counter = Counter()
    rows = records.values_list(
        "program_id", "org_id", "org_path", "served_on", "amount_fen", "worker_id"
    )
    for program, org, path, day, amount, worker in rows.iterator(chunk_size=10_000):
        daily[(program, org, path, day, slot_of(worker), "times")] += 1
        daily[(program, org, path, day, slot_of(worker), "fen")] += amount
        years[(program, worker, day.year, county_path_of(path))] += 1
    return daily, years


def stored(program_id: int | None = None) -> tuple[Counter, Counter]:
    daily_rows = ProgramDaily.objects.all()
    year_rows = ProgramWorkerYear.objects.all()
    if program_id is not None:
        daily_rows = daily_rows.filter(program_id=program_id)
        year_rows = year_rows.filter(program_id=program_id)
    daily: Counter = Counter()
    for program, org, path, day, slot, times, fen in daily_rows.values_list(
        "program_id", "org_id", "org_path", "day", "slot", "person_times", "amount_fen"
    ):
        daily[(program, org, path, day, slot, "times")] += times
        daily[(program, org, path, day, slot, "fen")] += fen
    years: Counter = Counter()
    for program, worker, year, path, times in year_rows.values_list(
        "program_id", "worker_id", "year", "org_path", "times"
    ):
        years[(program, worker, year, path)] += times
    return +daily, +years


def differences(program_id: int | None = None) -> list[str]:
    """Every disagreement between the rollups and the raw records; empty when they agree."""
    want_daily, want_years = expected_from_records(program_id)
    have_daily, have_years = stored(program_id)
    problems = []
    for key in sorted(set(want_daily) | set(have_daily), key=str):
        if want_daily[key] != have_daily[key]:
            problems.append(f"日汇总 {key}: 原始记录 {want_daily[key]}，汇总表 {have_daily[key]}")
    for key in sorted(set(want_years) | set(have_years), key=str):
        if want_years[key] != have_years[key]:
            problems.append(f"人数汇总 {key}: 原始记录 {want_years[key]}，汇总表 {have_years[key]}")
    want_spent, have_spent = _spent_by_slot(want_daily), _spent_stored(program_id)
    for key in sorted(set(want_spent) | set(have_spent)):
        if want_spent[key] != have_spent[key]:
            problems.append(f"支出 {key}: 原始记录 {want_spent[key]}，预算分槽 {have_spent[key]}")
    return problems


def _spent_by_slot(daily: Counter) -> Counter:
    """(program, slot) → fen spent, added up from the day rollup's amounts (same slots)."""
    spent: Counter = Counter()
    for (program, _org, _path, _day, slot, kind), value in daily.items():
        if kind == "fen":
            spent[(program, slot)] += value
    return +spent


def _spent_stored(program_id: int | None) -> Counter:
    slots = BudgetSlot.objects.all()
    if program_id is not None:
        slots = slots.filter(program_id=program_id)
    return +Counter(
        {
            (program, slot): fen
            for program, slot, fen in slots.values_list("program_id", "slot", "spent_fen")
        }
    )


@transaction.atomic
def rebuild(program_id: int | None = None) -> None:
    """Recompute both rollups from raw records (all programs, or one)."""
    daily_rows = ProgramDaily.objects.all()
    year_rows = ProgramWorkerYear.objects.all()
    if program_id is not None:
        daily_rows = daily_rows.filter(program_id=program_id)
        year_rows = year_rows.filter(program_id=program_id)
    daily_rows.delete()
    year_rows.delete()
    want_daily, want_years = expected_from_records(program_id)
    ProgramDaily.objects.bulk_create(
        [
            ProgramDaily(
                program_id=program,
                org_id=org,
                org_path=path,
                day=day,
                slot=slot,
                person_times=count,
                amount_fen=want_daily[(program, org, path, day, slot, "fen")],
            )
            for (program, org, path, day, slot, kind), count in want_daily.items()
            if kind == "times"
        ],
        batch_size=2000,
    )
    spent = _spent_by_slot(want_daily)
    programs = (
        Program.objects.all() if program_id is None else Program.objects.filter(pk=program_id)
    )
    for program in programs:
        budget.reset(program, {slot: fen for (pk, slot), fen in spent.items() if pk == program.pk})
    counties = org_ids_by_path({key[3] for key in want_years})
    ProgramWorkerYear.objects.bulk_create(
        [
            ProgramWorkerYear(
                program_id=program,
                worker_id=worker,
                year=year,
                county_id=counties[path],
                org_path=path,
                times=times,
            )
            for (program, worker, year, path), times in want_years.items()
        ],
        batch_size=2000,
    )


ROLLUPS = RollupSet(label="福利项目汇总表", rebuild=rebuild, differences=differences)
