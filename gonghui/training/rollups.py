"""Training rollups kept current by the services, in the same transaction as the write.

``bump`` adds (or takes back) one seat, attendance or competition entry with an upsert that
SQLite and PostgreSQL both understand; ``funds`` keeps ``FundYear`` with
``core.rollups.add_to_rollup``. ``ROLLUPS`` recounts every table from the raw
enrolments, attendances, competition entries and fund-project rows
(``gonghui rollup check|rebuild --app training``).
"""

import datetime
from collections import Counter

from django.db import connection

from gonghui.core.rollups import RollupSet, RollupTable
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


def _recount_funds() -> Counter:
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


DAILY = RollupTable("日汇总", TrainingDaily, ("org_id", "org_path", "day"), KINDS)
WORKER_YEAR = RollupTable("人数汇总", TrainingWorkerYear, ("worker_id", "year", "org_path"), KINDS)
FUND_YEAR = RollupTable("培训资助汇总", FundYear, ("org_id", "org_path", "year"), FUND_COLUMNS)


def recount() -> tuple[Counter, Counter, Counter]:
    """Every table recounted: seated enrolments, attendances and competition entries (on the
    contest's day, under its org) for the daily and worker-year tables; fund projects for
    ``FundYear``."""
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
    return daily, years, _recount_funds()


ROLLUPS = RollupSet(
    label="职工夜校与培训资助汇总表", tables=(DAILY, WORKER_YEAR, FUND_YEAR), recount=recount
)
