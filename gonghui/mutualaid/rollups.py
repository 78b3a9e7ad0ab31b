"""Mutual-aid rollups kept current by the services in the same transaction as the write.

``AidOrgYear`` holds enrolments (person-years), payouts and fen paid per org
and plan year; ``AidPayeeYear`` holds one row per payee × year × county, from
which distinct payees at county level and above are exact. ``differences``
compares both with a recount of the raw records to the unit; ``rebuild``
recomputes them.
"""

from collections import Counter

from django.db import transaction

from gonghui.core.rollups import RollupSet, add_to_rollup, counter_differences
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


def _expected() -> tuple[Counter, Counter]:
    orgs: Counter = Counter()
    payees: Counter = Counter()
    for org, path, year in Enrolment.objects.values_list("org_id", "org_path", "year").iterator():
        orgs[(org, path, year, "enrolments")] += 1
    rows = Payout.objects.values_list("org_id", "org_path", "year", "amount_fen", "worker_id")
    for org, path, year, fen, worker in rows.iterator():
        orgs[(org, path, year, "payouts")] += 1
        orgs[(org, path, year, "paid_fen")] += fen
        payees[(worker, year, county_path_of(path))] += 1
    return +orgs, +payees


def _stored() -> tuple[Counter, Counter]:
    orgs: Counter = Counter()
    rows = AidOrgYear.objects.values_list(
        "org_id", "org_path", "year", "enrolments", "payouts", "paid_fen"
    )
    for org, path, year, enrolments, payouts, fen in rows:
        orgs[(org, path, year, "enrolments")] += enrolments
        orgs[(org, path, year, "payouts")] += payouts
        orgs[(org, path, year, "paid_fen")] += fen
    payees: Counter = Counter()
    for worker, year, path, n in AidPayeeYear.objects.values_list(
        "worker_id", "year", "org_path", "payouts"
    ):
        payees[(worker, year, path)] += n
    return +orgs, +payees


def differences() -> list[str]:
    """Every disagreement between the rollups and the raw records; empty when they agree."""
    (want_orgs, want_payees), (have_orgs, have_payees) = _expected(), _stored()
    return counter_differences("互助组织年度汇总", want_orgs, have_orgs) + counter_differences(
        "互助受助人汇总", want_payees, have_payees
    )


@transaction.atomic
def rebuild() -> None:
    """Recompute both rollups from enrolments and payouts."""
    AidOrgYear.objects.all().delete()
    AidPayeeYear.objects.all().delete()
    want_orgs, want_payees = _expected()
    keys = {(org, path, year) for org, path, year, _ in want_orgs}
    AidOrgYear.objects.bulk_create(
        [
            AidOrgYear(
                org_id=org,
                org_path=path,
                year=year,
                enrolments=want_orgs[(org, path, year, "enrolments")],
                payouts=want_orgs[(org, path, year, "payouts")],
                paid_fen=want_orgs[(org, path, year, "paid_fen")],
            )
            for org, path, year in keys
        ],
        batch_size=2000,
    )
    counties = org_ids_by_path({path for _, _, path in want_payees})
    AidPayeeYear.objects.bulk_create(
        [
            AidPayeeYear(
                worker_id=worker, year=year, county_id=counties[path], org_path=path, payouts=n
            )
            for (worker, year, path), n in want_payees.items()
        ],
        batch_size=2000,
    )


ROLLUPS = RollupSet(label="互助保障汇总表", rebuild=rebuild, differences=differences)
