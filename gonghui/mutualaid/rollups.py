"""Mutual-aid rollups kept current by the services in the same transaction as the write.

``AidOrgYear`` holds enrolments (person-years), payouts and fen paid per org
and plan year; ``AidPayeeYear`` holds one row per payee × year × county, from
which distinct payees at county level and above are exact. ``ROLLUPS`` recounts
both from the raw records (``gonghui rollup check|rebuild --app mutualaid``).
"""

from collections import Counter

from gonghui.core.rollups import RollupSet, RollupTable, add_to_rollup
from gonghui.mutualaid.models import AidOrgYear, AidPayeeYear, Enrolment, Payout
from gonghui.orgs.selectors import county_path_of, org_ids_by_path


def add_enrolment(enrolment: Enrolment) -> None:
    add_to_rollup(
        AidOrgYear,
        key={"org_id": enrolment.org_id, "year": enrolment.year},
        extra={"org_path": enrolment.org_path, "payouts": 0, "paid_fen": 0},
        deltas={"enrolments": 1},
    )


def add_payout(payout: Payout) -> None:
    add_to_rollup(
        AidOrgYear,
        key={"org_id": payout.org_id, "year": payout.year},
        extra={"org_path": payout.org_path, "enrolments": 0},
        deltas={"payouts": 1, "paid_fen": payout.amount_fen},
    )
    county = county_path_of(payout.org_path)
    add_to_rollup(
        AidPayeeYear,
        key={
            "worker_id": payout.worker_id,
            "year": payout.year,
            "county_id": org_ids_by_path({county})[county],
        },
        extra={"org_path": county},
        deltas={"payouts": 1},
    )


ORG_YEAR = RollupTable(
    "互助组织年度汇总",
    AidOrgYear,
    ("org_id", "org_path", "year"),
    ("enrolments", "payouts", "paid_fen"),
)
PAYEE_YEAR = RollupTable(
    "互助受助人汇总", AidPayeeYear, ("worker_id", "year", "org_path"), ("payouts",)
)


def recount() -> tuple[Counter, Counter]:
    """Both tables recounted from the enrolments and payouts."""
    orgs: Counter = Counter()
    payees: Counter = Counter()
    for org, path, year in Enrolment.objects.values_list("org_id", "org_path", "year").iterator():
        orgs[(org, path, year, "enrolments")] += 1
    rows = Payout.objects.values_list("org_id", "org_path", "year", "amount_fen", "worker_id")
    for org, path, year, fen, worker in rows.iterator():
        orgs[(org, path, year, "payouts")] += 1
        orgs[(org, path, year, "paid_fen")] += fen
        payees[(worker, year, county_path_of(path), "payouts")] += 1
    return orgs, payees


ROLLUPS = RollupSet(label="互助保障汇总表", tables=(ORG_YEAR, PAYEE_YEAR), recount=recount)
