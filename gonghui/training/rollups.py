"""Training rollups kept current by the services, in the same transaction as the write.

``bump`` adds (or takes back) one seat, attendance or competition entry with an upsert that
SQLite and PostgreSQL both understand; ``funds`` keeps ``FundYear`` with
``core.rollups.add_to_rollup``. ``rebuild`` recomputes every table from the raw
enrolments, attendances, competition entries and fund-project rows; ``differences`` compares them
to the unit (``gonghui training rollup check``).
"""

import datetime
from collections import Counter

from django.db import connection, transaction

from gonghui.core.rollups import RollupSet, counter_differences
from gonghui.orgs.selectors import county_path_of, org_ids_by_path
from gonghui.training.models import (
    Attendance,
    Enrolment,
    Entry,
    FundOutcome,
    FundProject,
    FundSpending,
    FundTrainee,
    FundYear,
    TrainingDaily,
    TrainingWorkerYear,
)

_DAILY = TrainingDaily._meta.db_table
_YEAR = TrainingWorkerYear._meta.db_table
KINDS = ("enrolments", "attendances", "entries")


def bump(
    *, kind: str, org_id: int, org_path: str, worker_id: int, day: datetime.date, sign: int = 1
) -> None:
    """Add ``sign`` to the ``kind`` column (a seat, an attendance, an entry) of both rollups."""
    assert kind in KINDS
    county_path = county_path_of(org_path)
    county_id = org_ids_by_path({county_path})[county_path]
    when = connection.ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_DAILY} (org_id, org_path, day, enrolments, attendances, entries) "
            f"VALUES (%s, %s, %s, 0, 0, 0) ON CONFLICT (org_id, day) DO NOTHING",
            [org_id, org_path, when],
        )
        cursor.execute(
            f"UPDATE {_DAILY} SET {kind} = {kind} + %s WHERE org_id = %s AND day = %s",
            [sign, org_id, when],
        )
        cursor.execute(
            f"INSERT INTO {_YEAR} (worker_id, year, county_id, org_path, enrolments, attendances, "
            f"entries) VALUES (%s, %s, %s, %s, 0, 0, 0) ON CONFLICT (worker_id, year, county_id) DO NOTHING",
            [worker_id, day.year, county_id, county_path],
        )
        cursor.execute(
            f"UPDATE {_YEAR} SET {kind} = {kind} + %s "
            "WHERE worker_id = %s AND year = %s AND county_id = %s",
            [sign, worker_id, day.year, county_id],
        )
        if sign < 0:
            cursor.execute(
                f"DELETE FROM {_DAILY} WHERE org_id = %s AND day = %s "
                "AND enrolments <= 0 AND attendances <= 0 AND entries <= 0",
                [org_id, when],
            )
            cursor.execute(
                f"DELETE FROM {_YEAR} WHERE worker_id = %s AND year = %s AND county_id = %s "
                "AND enrolments <= 0 AND attendances <= 0 AND entries <= 0",
                [worker_id, day.year, county_id],
            )


def expected() -> tuple[Counter, Counter]:
    """(daily, worker-year) contributions recomputed from seated enrolments, attendances and
    competition entries (on the contest's day, under its org)."""
    daily: Counter = Counter()
    years: Counter = Counter()
    seats = Enrolment.objects.filter(state="enrolled").values_list(
        "klass__org_id", "org_path", "seated_on", "worker_id"
    )
    visits = Attendance.objects.values_list(
        "session__klass__org_id", "org_path", "session__day", "enrolment__worker_id"
    )
    entries = Entry.objects.values_list(
        "competition__org_id", "org_path", "competition__held_on", "worker_id"
    )
    for kind, rows in (("enrolments", seats), ("attendances", visits), ("entries", entries)):
        for org, path, day, worker in rows.iterator(chunk_size=10_000):
            daily[(org, path, day, kind)] += 1
            years[(worker, day.year, county_path_of(path), kind)] += 1
    return daily, years


def stored() -> tuple[Counter, Counter]:
    daily: Counter = Counter()
    for row in TrainingDaily.objects.values("org_id", "org_path", "day", *KINDS):
        for kind in KINDS:
            daily[(row["org_id"], row["org_path"], row["day"], kind)] += row[kind]
    years: Counter = Counter()
    for row in TrainingWorkerYear.objects.values("worker_id", "year", "org_path", *KINDS):
        for kind in KINDS:
            years[(row["worker_id"], row["year"], row["org_path"], kind)] += row[kind]
    return +daily, +years


def differences() -> list[str]:
    """Every disagreement between the rollups and the raw records; empty when they agree."""
    want_daily, want_years = expected()
    have_daily, have_years = stored()
    problems = []
    for label, want, have in (
        ("日汇总", want_daily, have_daily),
        ("人数汇总", want_years, have_years),
    ):
        for key in sorted(set(want) | set(have), key=str):
            if want[key] != have[key]:
                problems.append(f"{label} {key}: 原始记录 {want[key]}，汇总表 {have[key]}")
    return problems + counter_differences("培训资助汇总", expected_funds(), stored_funds())


FUND_COLUMNS = (
    "projects",
    "budget_fen",
    "spent_fen",
    "trainees",
    "completed",
    "certified",
    "skill_raised",
    "dropped",
)


def expected_funds() -> Counter:
    """(org, path, year, column) → amount, recomputed from projects, spending, trainees and
    outcomes, each dated as ``FundYear`` says."""
    want: Counter = Counter()
    for org, path, starts, budget in FundProject.objects.values_list(
        "org_id", "org_path", "starts_on", "budget_fen"
    ):
        want[(org, path, starts.year, "projects")] += 1
        want[(org, path, starts.year, "budget_fen")] += budget
    for org, path, day, amount in FundSpending.objects.values_list(
        "project__org_id", "org_path", "spent_on", "amount_fen"
    ):
        want[(org, path, day.year, "spent_fen")] += amount
    for org, path, day in FundTrainee.objects.values_list(
        "project__org_id", "org_path", "joined_on"
    ):
        want[(org, path, day.year, "trainees")] += 1
    for org, path, day, kind in FundOutcome.objects.values_list(
        "trainee__project__org_id", "org_path", "on", "kind"
    ):
        want[(org, path, day.year, kind)] += 1
    return +want


def stored_funds() -> Counter:
    have: Counter = Counter()
    for row in FundYear.objects.values("org_id", "org_path", "year", *FUND_COLUMNS):
        for column in FUND_COLUMNS:
            have[(row["org_id"], row["org_path"], row["year"], column)] += row[column]
    return +have


@transaction.atomic
def rebuild() -> None:
    """Recompute every training rollup from the raw records."""
    TrainingDaily.objects.all().delete()
    TrainingWorkerYear.objects.all().delete()
    want_daily, want_years = expected()
    days: dict[tuple, TrainingDaily] = {}
    for (org, path, day, kind), n in want_daily.items():
        row = days.setdefault((org, day), TrainingDaily(org_id=org, org_path=path, day=day))
        setattr(row, kind, n)
    TrainingDaily.objects.bulk_create(days.values(), batch_size=2000)
    counties = org_ids_by_path({key[2] for key in want_years})
    years: dict[tuple, TrainingWorkerYear] = {}
    for (worker, year, path, kind), n in want_years.items():
        row = years.setdefault(
            (worker, year, path),
            TrainingWorkerYear(
                worker_id=worker, year=year, county_id=counties[path], org_path=path
            ),
        )
        setattr(row, kind, n)
    TrainingWorkerYear.objects.bulk_create(years.values(), batch_size=2000)
    FundYear.objects.all().delete()
    funds: dict[tuple, FundYear] = {}
    for (org, path, year, column), n in expected_funds().items():
        row = funds.setdefault(
            (org, year),
            FundYear(org_id=org, org_path=path, year=year, **dict.fromkeys(FUND_COLUMNS, 0)),
        )
        setattr(row, column, n)
    FundYear.objects.bulk_create(funds.values(), batch_size=2000)


ROLLUPS = RollupSet(label="职工夜校与培训资助汇总表", rebuild=rebuild, differences=differences)
