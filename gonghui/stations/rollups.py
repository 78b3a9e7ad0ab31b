"""Visit person-times per station per day, kept by ``record_visit`` in its transaction.

``bump`` is an upsert SQLite and PostgreSQL both understand, so concurrent
visits never lose an increment; ``rebuild`` recomputes the rollup from the
visits and ``differences`` compares the two to the unit.
"""

from collections import Counter

from django.db import connection, transaction
from django.db.models import Sum

from gonghui.core.rollups import RollupSet
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


def expected_from_visits() -> Counter:
    rows = Visit.objects.values("station_id", "org_path", "day").annotate(n=Sum("count"))
    return Counter({(r["station_id"], r["org_path"], r["day"]): r["n"] for r in rows})


def stored() -> Counter:
    rows = StationDaily.objects.values_list("station_id", "org_path", "day", "person_times")
    return +Counter({(station, path, day): n for station, path, day, n in rows})


def differences() -> list[str]:
    """Every disagreement between the rollup and the visits; empty when they agree."""
    want, have = expected_from_visits(), stored()
    return [
        f"驿站日汇总 {key}: 到访记录 {want[key]}，汇总表 {have[key]}"
        for key in sorted(set(want) | set(have), key=str)
        if want[key] != have[key]
    ]


@transaction.atomic
def rebuild() -> None:
    StationDaily.objects.all().delete()
    StationDaily.objects.bulk_create(
        [
            StationDaily(station_id=station, org_path=path, day=day, person_times=n)
            for (station, path, day), n in expected_from_visits().items()
        ],
        batch_size=2000,
    )


ROLLUPS = RollupSet(label="驿站到访汇总表", rebuild=rebuild, differences=differences)
