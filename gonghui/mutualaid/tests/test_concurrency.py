"""Two reviewers approving, and two officers paying, the same claim at the same moment.

Each thread has its own database connection (Django opens one per thread),
so the race is the database's: the workflow's conditional UPDATE and the
payout's one-to-one must leave exactly one approval and one payout.
"""

import datetime
import threading

import pytest
from django.db import connections

from gonghui.core.errors import DomainError
from gonghui.mutualaid.models import Claim, Payout
from gonghui.mutualaid.rollups import ROLLUPS
from gonghui.mutualaid.services import approve_claim, move_claim, pay_claim
from gonghui.mutualaid.tests.conftest import CANCER_FEN

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("file_database"),  # every thread reaches it, on SQLite too
]
THREADS = 8


def race(work) -> list[str]:
    """Run ``work(i)`` in THREADS threads released together; each thread's outcome."""
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = [""] * THREADS

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
            outcomes[i] = "ok"
        except DomainError as exc:
            outcomes[i] = exc.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_simultaneous_approvals_and_payments_pay_once(
    claim, yicheng_officer, reviewer, province_admin, zhumadian_officer
):
    made = claim()
    move_claim(by=yicheng_officer, claim=made, action="submit")
    move_claim(by=yicheng_officer, claim=made, action="check")
    approvers = [reviewer, province_admin]

    approvals = race(
        lambda i: approve_claim(by=approvers[i % 2], claim=Claim.objects.get(pk=made.pk))
    )
    # Every other approver is refused: 'stale_state' when it read the claim before the
    # winner's commit (its conditional update then finds nothing), 'bad_state' when after.
    assert approvals.count("ok") == 1, approvals
    assert set(approvals) <= {"ok", "stale_state", "bad_state"}, approvals

    payments = race(lambda i: pay_claim(by=zhumadian_officer, claim=Claim.objects.get(pk=made.pk)))
    assert payments.count("ok") == 1, payments
    assert set(payments) <= {"ok", "stale_state", "bad_state"}, payments
    payout = Payout.objects.get()
    assert payout.amount_fen == CANCER_FEN
    assert Claim.objects.get(pk=made.pk).state == "paid"
    assert ROLLUPS.differences() == []


def test_two_claims_of_one_person_approved_at_once_share_the_cap(
    claim, yicheng_officer, reviewer, province_admin
):
    claims = []
    for i in range(THREADS):
        made = claim(diagnosed_on=datetime.date(2026, 5, 1 + i))
        move_claim(by=yicheng_officer, claim=made, action="submit")
        move_claim(by=yicheng_officer, claim=made, action="check")
        claims.append(made.pk)
    outcomes = race(
        lambda i: approve_claim(
            by=[reviewer, province_admin][i % 2], claim=Claim.objects.get(pk=claims[i])
        )
    )
    approved = Claim.objects.filter(state="approved")
    assert outcomes.count("ok") == approved.count() == 2  # 50,000 + 10,000 of the 60,000 cap
    assert sum(c.approved_fen for c in approved) == 6_000_000
