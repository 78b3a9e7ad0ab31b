"""Rebuild and check the culture rollups against the raw records.

``CultureDaily`` (events held, audience, attendances per org and day) is recounted
from the events reported held and their sign-ins; ``CultureWorkerYear`` (attendances
per worker, year and organiser's county) from the sign-ins.
"""

from collections import Counter

from django.db import transaction

from gonghui.core.rollups import RollupSet, counter_differences
from gonghui.culture.models import (
    CultureDaily,
    CultureWorkerYear,
    Event,
    EventAttendee,
    EventState,
)
from gonghui.orgs.selectors import county_path_of, org_ids_by_path


def expected() -> tuple[Counter, Counter]:
    """(daily, worker-year) contributions recomputed from held events and sign-ins."""
    daily: Counter = Counter()
    years: Counter = Counter()
    held = Event.objects.filter(state=EventState.HELD)
    for org, path, day, audience in held.values_list("org_id", "org_path", "day", "audience"):
        daily[(org, path, day, "events")] += 1
        daily[(org, path, day, "audience")] += audience
    signed = EventAttendee.objects.values_list("event__org_id", "org_path", "day", "worker_id")
    for org, path, day, worker in signed.iterator(chunk_size=10_000):
        daily[(org, path, day, "attendances")] += 1
        years[(worker, day.year, county_path_of(path))] += 1
    return daily, years


def stored() -> tuple[Counter, Counter]:
    daily: Counter = Counter()
    rows = CultureDaily.objects.values_list(
        "org_id", "org_path", "day", "events", "audience", "attendances"
    )
    for org, path, day, events, audience, attendances in rows:
        daily[(org, path, day, "events")] += events
        daily[(org, path, day, "audience")] += audience
        daily[(org, path, day, "attendances")] += attendances
    years: Counter = Counter()
    for worker, year, path, n in CultureWorkerYear.objects.values_list(
        "worker_id", "year", "org_path", "attendances"
    ):
        years[(worker, year, path)] += n
    return daily, years


def differences() -> list[str]:
    """Every disagreement between the rollups and the raw records; empty when they agree."""
    want_daily, want_years = expected()
    have_daily, have_years = stored()
    return counter_differences("文化日汇总", want_daily, have_daily) + counter_differences(
        "签到人数汇总", want_years, have_years
    )


@transaction.atomic
def rebuild() -> None:
    CultureDaily.objects.all().delete()
    CultureWorkerYear.objects.all().delete()
    want_daily, want_years = expected()
    rows: dict[tuple, CultureDaily] = {}
    for (org, path, day, kind), n in want_daily.items():
        row = rows.setdefault((org, day), CultureDaily(org_id=org, org_path=path, day=day))
        setattr(row, kind, n)
    CultureDaily.objects.bulk_create(rows.values(), batch_size=2000)
    counties = org_ids_by_path({path for _, _, path in want_years})
    CultureWorkerYear.objects.bulk_create(
        (
            CultureWorkerYear(
                worker_id=worker,
                year=year,
                county_id=counties[path],
                org_path=path,
                attendances=n,
            )
            for (worker, year, path), n in want_years.items()
        ),
        batch_size=2000,
    )


ROLLUPS = RollupSet(label="文化活动汇总表", rebuild=rebuild, differences=differences)
