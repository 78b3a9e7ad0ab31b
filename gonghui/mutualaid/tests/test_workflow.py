"""The claim workflow: every allowed and refused transition per role, reasons, races, timeline.

The table below is written out by hand from the issue, not read from the
workflow's own definition, so a wrong definition fails here.
"""

import datetime
import itertools

import pytest
from django.db.models import TextChoices

from gonghui.accounts.models import Role
from gonghui.audit.models import AuditEvent
from gonghui.audit.workflow import StaleState, Transition, Workflow
from gonghui.core.audited import service_writes
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.models import WorkflowStep
from gonghui.mutualaid.models import Claim, ClaimState, Payout
from gonghui.mutualaid.services import (
    CLAIM_FLOW,
    amend_claim,
    approve_claim,
    move_claim,
    pay_claim,
)

pytestmark = pytest.mark.django_db
S = ClaimState
OFFICER, REVIEWER, ADMIN, AUDITOR = "officer", "reviewer", "admin", "auditor"
ALLOWED = {
    (S.DRAFT, "submit"): ({OFFICER, ADMIN}, S.SUBMITTED),
    (S.SUBMITTED, "check"): ({OFFICER, ADMIN}, S.CHECKED),
    (S.CHECKED, "approve"): ({REVIEWER, ADMIN}, S.APPROVED),
    (S.CHECKED, "return"): ({REVIEWER, ADMIN}, S.RETURNED),
    (S.RETURNED, "resubmit"): ({OFFICER, ADMIN}, S.SUBMITTED),
    (S.SUBMITTED, "reject"): ({REVIEWER, ADMIN}, S.REJECTED),
    (S.CHECKED, "reject"): ({REVIEWER, ADMIN}, S.REJECTED),
    (S.APPROVED, "pay"): ({OFFICER, ADMIN}, S.PAID),
}
ACTIONS = ["submit", "check", "approve", "return", "resubmit", "reject", "pay"]


def act(user, claim: Claim, action: str, reason: str = "材料不全") -> None:
    if action == "approve":
        approve_claim(by=user, claim=claim)
    elif action == "pay":
        pay_claim(by=user, claim=claim)
    else:
        move_claim(by=user, claim=claim, action=action, reason=reason)


@pytest.fixture
def actors(yicheng_officer, reviewer, province_admin, staff):
    return {
        OFFICER: yicheng_officer,
        REVIEWER: reviewer,
        ADMIN: province_admin,
        AUDITOR: staff("zmd_auditor", "411700", Role.AUDITOR),
    }


def test_every_transition_per_role_is_allowed_or_refused_as_the_issue_says(claim, actors, settings):
    # The role matrix alone: who filed a claim is the four-eyes rule's (test_four_eyes.py).
    settings.FOUR_EYES = False
    days = itertools.count()
    outcomes = []
    for state, action, who in itertools.product(S.values, ACTIONS, actors):
        n = next(days)
        made = claim(
            diagnosed_on=datetime.date(2026, 4, 1) + datetime.timedelta(days=n),
            category="恶性肿瘤" if n % 2 else "急性心肌梗死",
            claimed_fen=100,
        )
        with service_writes():  # a state no service leads to directly
            Claim.objects.filter(pk=made.pk).update(state=state, rule_fen=100, approved_fen=100)
        made.refresh_from_db()
        roles, target = ALLOWED.get((state, action), (set(), None))
        may_ever = any(who in r for (_, a), (r, _) in ALLOWED.items() if a == action)
        if who in roles:
            act(actors[who], made, action)
            made.refresh_from_db()
            assert made.state == target, (state, action, who)
            outcomes.append("moved")
        else:
            expected = StaleState if may_ever else PermissionDenied
            with pytest.raises(expected):
                act(actors[who], made, action)
            made.refresh_from_db()
            assert made.state == state, (state, action, who)
            outcomes.append(expected.__name__)
    assert outcomes.count("moved") == sum(len(r) for r, _ in ALLOWED.values())
    assert Payout.objects.count() == 2  # officer and admin paid an approved claim each
    assert outcomes.count("PermissionDenied") > 0 and outcomes.count("StaleState") > 0


def test_a_sibling_officer_cannot_move_a_claim_outside_their_subtree(claim, luoyang_officer):
    made = claim()
    with pytest.raises(PermissionDenied):
        move_claim(by=luoyang_officer, claim=made, action="submit")
    made.refresh_from_db()
    assert made.state == S.DRAFT


@pytest.mark.parametrize("action", ["return", "reject"])
def test_returning_or_rejecting_needs_a_reason(claim, yicheng_officer, reviewer, action):
    made = claim()
    move_claim(by=yicheng_officer, claim=made, action="submit")
    move_claim(by=yicheng_officer, claim=made, action="check")
    with pytest.raises(DomainError) as caught:
        move_claim(by=reviewer, claim=made, action=action, reason="  ")
    assert caught.value.code == "reason_required"
    move_claim(by=reviewer, claim=made, action=action, reason="缺少病理报告")
    step = WorkflowStep.objects.filter(object_id=made.pk, action=action).get()
    assert step.reason == "缺少病理报告" and step.by == reviewer


def test_two_reviewers_acting_on_one_stale_copy_cannot_both_move_it(
    claim, yicheng_officer, reviewer, province_admin
):
    made = claim()
    move_claim(by=yicheng_officer, claim=made, action="submit")
    move_claim(by=yicheng_officer, claim=made, action="check")
    second_copy = Claim.objects.get(pk=made.pk)
    approve_claim(by=reviewer, claim=made)
    with pytest.raises(StaleState) as caught:
        move_claim(by=province_admin, claim=second_copy, action="reject", reason="重复")
    assert caught.value.code == "stale_state"
    assert Claim.objects.get(pk=made.pk).state == S.APPROVED
    assert WorkflowStep.objects.filter(object_id=made.pk, to_state=S.REJECTED).count() == 0


def test_timeline_keeps_who_when_why_and_each_version(claim, yicheng_officer, reviewer):
    made = claim(claimed_fen=8_000_000)
    move_claim(by=yicheng_officer, claim=made, action="submit")
    move_claim(by=yicheng_officer, claim=made, action="check")
    move_claim(by=reviewer, claim=made, action="return", reason="请补充出院小结")
    amend_claim(by=yicheng_officer, claim=made, claimed_fen=4_500_000)
    move_claim(by=yicheng_officer, claim=made, action="resubmit")
    steps = list(WorkflowStep.objects.filter(object_type="aid_claim", object_id=made.pk))
    assert [s.action for s in steps] == ["create", "submit", "check", "return", "resubmit"]
    assert [s.snapshot["claimed_fen"] for s in steps] == [8_000_000] * 4 + [4_500_000]
    assert steps[3].reason == "请补充出院小结" and steps[3].by == reviewer
    assert all(a.at <= b.at for a, b in itertools.pairwise(steps))
    assert "肺腺癌" not in str([s.snapshot for s in steps])
    events = AuditEvent.objects.filter(object_type="aid_claim", object_id=str(made.pk))
    assert {"create", "submit", "check", "return", "amend", "resubmit"} <= set(
        events.values_list("action", flat=True)
    )


def test_a_workflow_naming_an_unknown_state_is_refused_when_defined():
    class Light(TextChoices):
        RED = "red", "红"
        GREEN = "green", "绿"

    with pytest.raises(ValueError, match="blue"):
        Workflow(
            object_type="light",
            states=Light,
            transitions=[Transition("go", "通行", ("red",), "blue", frozenset({"officer"}))],
        )


def test_queues_are_the_states_waiting_for_each_role():
    assert CLAIM_FLOW.queue_states(Role.REVIEWER) == [S.CHECKED]
    assert CLAIM_FLOW.queue_states(Role.OFFICER) == [S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED]
    assert CLAIM_FLOW.queue_states(Role.AUDITOR) == []
