"""Wage-arrears rollups kept current by the services in the same transaction as the write.

``RightsOrgYear`` holds instalments and fen recovered (wages, compensation) per
recovering org and year; ``RightsWorkerYear`` one row per worker × year × county
with a recovery, from which distinct workers helped at county level and above
are exact. ``ROLLUPS`` recounts both from the raw recoveries
(``gonghui rollup check|rebuild --app rights``).
"""

from collections import Counter
from collections.abc import Iterable

from gonghui.core.rollups import RollupSet, RollupTable, add_to_rollup
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
        workers[(worker, year, county, "instalments")] += 1
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
    counties = org_ids_by_path({path for _, _, path, _ in workers})
    for (worker, year, path, _), n in workers.items():
        add_to_rollup(
            RightsWorkerYear,
            key={"worker_id": worker, "year": year, "county_id": counties[path]},
            extra={"org_path": path},
            deltas={"instalments": n},
        )


ORG_YEAR = RollupTable(
    "维权组织年度汇总",
    RightsOrgYear,
    ("org_id", "org_path", "year"),
    ("instalments", "wages_fen", "compensation_fen"),
)
WORKER_YEAR = RollupTable(
    "维权职工汇总", RightsWorkerYear, ("worker_id", "year", "org_path"), ("instalments",)
)


def recount() -> tuple[Counter, Counter]:
    """Both tables recounted from the recoveries."""
    rows = Recovery.objects.values_list(
        "org_id", "org_path", "recovered_on", "wages_fen", "compensation_fen", "worker_id"
    )
    return _tally(
        (org, path, day.year, w, c, worker)
        for org, path, day, w, c, worker in rows.iterator(chunk_size=10_000)
    )


ROLLUPS = RollupSet(label="维权汇总表", tables=(ORG_YEAR, WORKER_YEAR), recount=recount)
