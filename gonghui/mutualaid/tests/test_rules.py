"""The benefit rules: waiting period, cover, category amount, annual cap, one payout per episode."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.mutualaid.models import Claim, Payout
from gonghui.mutualaid.services import (
    ClaimRefused,
    approve_claim,
    enrol_worker,
    file_claim,
    move_claim,
    pay_claim,
    reveal_diagnosis,
)
from gonghui.mutualaid.tests.conftest import CANCER_FEN, CAP_FEN, HEART_FEN

pytestmark = pytest.mark.django_db


def ready(claim: Claim, officer) -> Claim:
    move_claim(by=officer, claim=claim, action="submit")
    move_claim(by=officer, claim=claim, action="check")
    return claim


def test_an_illness_diagnosed_in_the_waiting_period_is_refused(claim):
    with pytest.raises(ClaimRefused) as caught:
        claim(diagnosed_on=datetime.date(2026, 3, 31))
    assert caught.value.code == "waiting_period"
    assert "2026-04-01" in caught.value.message
    claim(diagnosed_on=datetime.date(2026, 4, 1))  # the first day after waiting is covered


def test_cover_starts_when_the_contribution_is_recorded(plan, make_worker, yicheng_officer):
    late = enrol_worker(
        by=yicheng_officer, plan=plan, worker=make_worker(), paid_on=datetime.date(2026, 3, 1)
    )
    assert late.cover_starts == datetime.date(2026, 3, 1)
    early = enrol_worker(
        by=yicheng_officer, plan=plan, worker=make_worker(), paid_on=datetime.date(2025, 12, 1)
    )
    assert early.cover_starts == datetime.date(2026, 1, 1)


def test_enrolment_outside_the_window_or_twice_is_refused(plan, enrolment, yicheng_officer):
    with pytest.raises(ClaimRefused) as twice:
        enrol_worker(
            by=yicheng_officer,
            plan=plan,
            worker=enrolment.worker,
            paid_on=datetime.date(2026, 2, 1),
        )
    assert twice.value.code == "already_enrolled"
    with pytest.raises(ClaimRefused) as late:
        enrol_worker(
            by=yicheng_officer,
            plan=plan,
            worker=enrolment.worker,
            paid_on=datetime.date(2026, 4, 1),
        )
    assert late.value.code == "enrol_closed"


def test_approved_amount_is_the_rule_and_shown_with_it(claim, yicheng_officer, reviewer):
    made = ready(claim(claimed_fen=8_000_000), yicheng_officer)
    approve_claim(by=reviewer, claim=made)
    assert made.approved_fen == made.rule_fen == CANCER_FEN
    assert "恶性肿瘤" in made.rule_text and "50,000.00元" in made.rule_text


def test_a_reviewer_may_lower_with_a_reason_but_never_raise(claim, yicheng_officer, reviewer):
    made = ready(claim(claimed_fen=8_000_000), yicheng_officer)
    with pytest.raises(ClaimRefused) as caught:
        approve_claim(by=reviewer, claim=made, amount_fen=CANCER_FEN + 1)
    assert caught.value.code == "above_rule"
    with pytest.raises(DomainError) as no_reason:
        approve_claim(by=reviewer, claim=made, amount_fen=CANCER_FEN - 100)
    assert no_reason.value.code == "reason_required"
    approve_claim(by=reviewer, claim=made, amount_fen=CANCER_FEN - 100, reason="部分费用已报销")
    assert Claim.objects.get(pk=made.pk).approved_fen == CANCER_FEN - 100


def test_the_annual_cap_limits_the_second_illness(claim, yicheng_officer, reviewer):
    first = ready(claim(), yicheng_officer)
    approve_claim(by=reviewer, claim=first)
    second = ready(
        claim(category="急性心肌梗死", diagnosed_on=datetime.date(2026, 8, 1)), yicheng_officer
    )
    approve_claim(by=reviewer, claim=second)
    assert second.approved_fen == CAP_FEN - CANCER_FEN < HEART_FEN
    third = ready(
        claim(category="急性心肌梗死", diagnosed_on=datetime.date(2026, 9, 1)), yicheng_officer
    )
    with pytest.raises(ClaimRefused) as caught:
        approve_claim(by=reviewer, claim=third)
    assert caught.value.code == "cap_reached"


def test_one_payout_per_episode(claim, yicheng_officer, reviewer, zhumadian_officer):
    made = ready(claim(), yicheng_officer)
    with pytest.raises(ClaimRefused) as caught:
        claim()
    assert caught.value.code == "episode_claimed"
    move_claim(by=reviewer, claim=made, action="reject", reason="非首次确诊")
    again = ready(claim(), yicheng_officer)  # a rejected claim frees the episode
    approve_claim(by=reviewer, claim=again)
    payout = pay_claim(by=zhumadian_officer, claim=again)
    with pytest.raises(DomainError):
        pay_claim(by=zhumadian_officer, claim=Claim.objects.get(pk=again.pk))
    assert Payout.objects.get() == payout and payout.reference.startswith("HZ2026")
    out = StringIO()
    call_command("mutualaid", "figures", "--year", "2026", "--user", "zhumadian", stdout=out)
    assert "参保1人次；为1人发放互助金5万元（1笔，5000000分）" in out.getvalue()
    call_command("rollup", "rebuild", "--app", "mutualaid", stdout=out)
    assert "一致" in out.getvalue()


def test_the_diagnosis_is_for_reviewers_in_scope_only_and_every_look_is_audited(
    claim, reviewer, yicheng_officer, staff
):
    made = claim()
    assert "肺腺癌" not in str(made.diagnosis_cipher)
    assert reveal_diagnosis(by=reviewer, claim=made) == "肺腺癌（T2N0M0）"
    assert AuditEvent.objects.filter(action="view_health", actor=reviewer).count() == 1
    with pytest.raises(PermissionDenied):
        reveal_diagnosis(by=yicheng_officer, claim=made)
    with pytest.raises(PermissionDenied):
        reveal_diagnosis(by=staff("ly_reviewer", "410300", "reviewer"), claim=made)


class _Rollback(Exception):
    pass


episodes = st.lists(
    st.tuples(
        st.sampled_from(["恶性肿瘤", "急性心肌梗死", "未列明疾病"]),
        st.integers(min_value=-120, max_value=400),  # days after cover start (2026-01-01)
        st.integers(min_value=1, max_value=10_000_000),  # fen claimed
        st.integers(min_value=0, max_value=3),  # how far below the rule the reviewer goes
    ),
    max_size=6,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(episodes=episodes)
def test_generated_claims_never_pay_more_than_the_rules_allow(
    enrolment, yicheng_officer, reviewer, zhumadian_officer, episodes
):
    schedule = {"恶性肿瘤": CANCER_FEN, "急性心肌梗死": HEART_FEN}
    waiting_ends = datetime.date(2026, 4, 1)
    try:
        with transaction.atomic():
            for category, day, claimed, lower in episodes:
                diagnosed = datetime.date(2026, 1, 1) + datetime.timedelta(days=day)
                try:
                    made = file_claim_for(enrolment, yicheng_officer, category, diagnosed, claimed)
                    ready(made, yicheng_officer)
                    rule = min(claimed, schedule[category])
                    amount = max(rule - lower, 1)
                    approve_claim(by=reviewer, claim=made, amount_fen=amount, reason="酌减")
                    pay_claim(by=zhumadian_officer, claim=made)
                except ClaimRefused:
                    continue
            payouts = list(
                Payout.objects.filter(claim__enrolment=enrolment).select_related("claim__benefit")
            )
            assert sum(p.amount_fen for p in payouts) <= CAP_FEN
            for p in payouts:
                assert p.amount_fen <= min(p.claim.benefit.amount_fen, p.claim.claimed_fen)
                assert waiting_ends <= p.claim.diagnosed_on <= datetime.date(2026, 12, 31)
            episodes_paid = [(p.claim.benefit_id, p.claim.diagnosed_on) for p in payouts]
            assert len(episodes_paid) == len(set(episodes_paid))
            raise _Rollback
    except _Rollback:
        pass


def file_claim_for(enrolment, officer, category, diagnosed, claimed):
    return file_claim(
        by=officer,
        enrolment=enrolment,
        category=category,
        diagnosed_on=diagnosed,
        hospital="医院",
        diagnosis="诊断",
        claimed_fen=claimed,
    )
