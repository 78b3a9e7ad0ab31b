"""The culture rollups and their recount from the raw records.

``CultureDaily`` (events held, audience, attendances per org and day) is recounted
from the events reported held and their sign-ins; ``CultureWorkerYear`` (attendances
per worker, year and organiser's county) from the sign-ins.
"""

from collections import Counter

from gonghui.core.rollups import RollupSet, RollupTable
from gonghui.culture.models import (
    CultureDaily,
    CultureWorkerYear,
    Event,
    EventAttendee,
    EventState,
)
from gonghui.orgs.selectors import county_path_of

DAILY = RollupTable(
    "文化日汇总", CultureDaily, ("org_id", "org_path", "day"), ("events", "audience", "attendances")
)
WORKER_YEAR = RollupTable(
    "签到人数汇总", CultureWorkerYear, ("worker_id", "year", "org_path"), ("attendances",)
)


def recount() -> tuple[Counter, Counter]:
    """Both tables recounted from the events reported held and their sign-ins."""
    daily: Counter = Counter()
    years: Counter = Counter()
    held = Event.objects.filter(state=EventState.HELD)
    for org, path, day, audience in held.values_list("org_id", "org_path", "day", "audience"):
        daily[(org, path, day, "events")] += 1
        daily[(org, path, day, "audience")] += audience
    signed = EventAttendee.objects.values_list("event__org_id", "org_path", "day", "worker_id")
    for org, path, day, worker in signed.iterator(chunk_size=10_000):
        daily[(org, path, day, "attendances")] += 1
        years[(worker, day.year, county_path_of(path), "attendances")] += 1
    return daily, years


ROLLUPS = RollupSet(label="文化活动汇总表", tables=(DAILY, WORKER_YEAR), recount=recount)
