"""Visit person-times per station per day, kept by ``record_visit`` in its transaction.

``bump`` is an upsert SQLite and PostgreSQL both understand, so concurrent
visits never lose an increment; ``ROLLUPS`` recounts it from the visits
(``gonghui rollup check|rebuild --app stations``).
"""

from collections import Counter

from django.db import connection
from django.db.models import Sum

from gonghui.core.rollups import RollupSet, RollupTable
from gonghui.stations.models import StationDaily, Visit

_DAILY = StationDaily._meta.db_table


def bump(visit: Visit) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_DAILY} (station_id, org_path, day, person_times) "
            "VALUES (%s, %s, %s, %s) "
            "ON CONFLICT (station_id, day) DO UPDATE SET "
            f"person_times = {_DAILY}.person_times + excluded.person_times",
            [
                visit.station_id,
                visit.org_path,
                connection.ops.adapt_datefield_value(visit.day),
                visit.count,
            ],
        )


DAILY = RollupTable(
    "驿站日汇总", StationDaily, ("station_id", "org_path", "day"), ("person_times",)
)


def recount() -> tuple[Counter]:
    """Person-times per station and day, recounted from the visits."""
    rows = Visit.objects.values_list("station_id", "org_path", "day").annotate(n=Sum("count"))
    return (Counter({(station, path, day, "person_times"): n for station, path, day, n in rows}),)


ROLLUPS = RollupSet(label="驿站到访汇总表", tables=(DAILY,), recount=recount)
