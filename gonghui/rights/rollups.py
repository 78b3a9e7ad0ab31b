"""Wage-arrears rollups kept current by the services in the same transaction as the write.

``RightsOrgYear`` holds instalments and fen recovered (wages, compensation) per
recovering org and year; ``RightsWorkerYear`` one row per worker × year × county
with a recovery, from which distinct workers helped at county level and above
are exact. ``differences`` compares both with a recount of the raw recoveries
to the unit; ``rebuild`` recomputes them.
"""

from collections import Counter
from collections.abc import Iterable

from django.db import transaction

from gonghui.core.rollups import RollupSet, add_to_rollup, counter_differences
from gonghui.orgs.selectors import county_path_of, org_ids_by_path
from gonghui.rights.models import Recovery, RightsOrgYear, RightsWorkerYear


def _tally(rows: Iterable[tuple]) -> tuple[Counter, Counter]:
    """(org-year, worker-year) contributions of (org, path, year, wages, compensation, worker)."""
    orgs: Counter = Counter()
    workers: Counter = Counter()
    counties: dict[str, str] = {}
    for org, path, year, wages, compensation, worker in rows:
        orgs[(org, path, year, "instalments")] += 1
        orgs[(org, path, year, "wages_fen")] += wages
        orgs[(org, path, year, "compensation_fen")] += compensation
        county = counties.get(path) or counties.setdefault(path, county_path_of(path))
        workers[(worker, year, county)] += 1
    return orgs, workers


def add_recoveries(rows: Iterable[tuple]) -> None:
    """Add a batch of new recoveries, each (org, org path, year, wages, compensation, worker):
    one upsert per org-year and per worker-year touched."""
    orgs, workers = _tally(rows)
    for org, path, year in {(o, p, y) for o, p, y, _ in orgs}:
        add_to_rollup(
            RightsOrgYear,
            key={"org_id": org, "year": year},
            extra={"org_path": path},
            deltas={
                k: orgs[(org, path, year, k)]
                for k in ("instalments", "wages_fen", "compensation_fen")
            },
        )
    counties = org_ids_by_path({path for _, _, path in workers})
    for (worker, year, path), n in workers.items():
        add_to_rollup(
            RightsWorkerYear,
            key={"worker_id": worker, "year": year, "county_id": counties[path]},
            extra={"org_path": path},
            deltas={"instalments": n},
        )


def _expected() -> tuple[Counter, Counter]:
    rows = Recovery.objects.values_list(
        "org_id", "org_path", "recovered_on", "wages_fen", "compensation_fen", "worker_id"
    )
    return _tally(
        (org, path, day.year, w, c, worker)
        for org, path, day, w, c, worker in rows.iterator(chunk_size=10_000)
    )


def _stored() -> tuple[Counter, Counter]:
    orgs: Counter = Counter()
    for org, path, year, n, w, c in RightsOrgYear.objects.values_list(
        "org_id", "org_path", "year", "instalments", "wages_fen", "compensation_fen"
    ):
        orgs[(org, path, year, "instalments")] += n
        orgs[(org, path, year, "wages_fen")] += w
        orgs[(org, path, year, "compensation_fen")] += c
    workers: Counter = Counter()
    for worker, year, path, n in RightsWorkerYear.objects.values_list(
        "worker_id", "year", "org_path", "instalments"
    ):
        workers[(worker, year, path)] += n
    return orgs, workers


def differences() -> list[str]:
    """Every disagreement between the rollups and the raw recoveries; empty when they agree."""
    (want_orgs, want_workers), (have_orgs, have_workers) = _expected(), _stored()
    return counter_differences("维权组织年度汇总", want_orgs, have_orgs) + counter_differences(
        "维权职工汇总", want_workers, have_workers
    )


@transaction.atomic
def rebuild() -> None:
    """Recompute both rollups from the recoveries."""
    RightsOrgYear.objects.all().delete()
    RightsWorkerYear.objects.all().delete()
    orgs, workers = _expected()
    RightsOrgYear.objects.bulk_create(
        [
            RightsOrgYear(
                org_id=org,
                org_path=path,
                year=year,
                **{
                    k: orgs[(org, path, year, k)]
                    for k in ("instalments", "wages_fen", "compensation_fen")
                },
            )
            for org, path, year in {(o, p, y) for o, p, y, _ in orgs}
        ],
        batch_size=2000,
    )
    counties = org_ids_by_path({path for _, _, path in workers})
    RightsWorkerYear.objects.bulk_create(
        [
            RightsWorkerYear(
                worker_id=w, year=y, county_id=counties[path], org_path=path, instalments=n
            )
            for (w, y, path), n in workers.items()
        ],
        batch_size=2000,
    )


ROLLUPS = RollupSet(label="维权汇总表", rebuild=rebuild, differences=differences)
