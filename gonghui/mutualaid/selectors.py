"""Reads of mutual aid, scoped to the acting user; figures come from the rollups.

Lists never carry health data: the illness category and the diagnosis appear
only on a claim's own page (the diagnosis in clear only to reviewers in scope,
through ``services.reveal_diagnosis``, which audits it).
"""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.accounts.selectors import org_asked_for
from gonghui.audit.workflow import timeline
from gonghui.core.drilldown import shared
from gonghui.core.idnumber import normalise_id
from gonghui.core.indicators import Under
from gonghui.core.money import fen_to_yuan, yuan
from gonghui.core.periods import Period
from gonghui.core.rollups import distinct_workers
from gonghui.core.scoping import scope_of
from gonghui.core.story import StoryLine
from gonghui.members.models import Worker
from gonghui.members.selectors import mask_name, worker_visible_by_id_number
from gonghui.mutualaid.models import (
    AidOrgYear,
    AidPayeeYear,
    Claim,
    ClaimDocument,
    Enrolment,
    EnrolmentRoster,
    Payout,
    Plan,
    RosterRow,
    RosterState,
    RowDecision,
)
from gonghui.mutualaid.services import CLAIM_FLOW, ROSTER_REVIEWERS
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import child_orgs


def plans_visible_to(user: User) -> QuerySet[Plan]:
    """Plans run in the user's subtree and by the orgs above it (their workers enrol in them)."""
    return Plan.objects.here_or_above(user).select_related("org")


def plan_for(user: User, pk: int) -> Plan:
    try:
        return plans_visible_to(user).get(pk=pk)
    except Plan.DoesNotExist:
        raise Http404 from None


def enrolments_visible_to(user: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.visible_to(user).select_related("plan", "worker", "org")


def enrolment_for(user: User, pk: int) -> Enrolment:
    try:
        return enrolments_visible_to(user).get(pk=pk)
    except Enrolment.DoesNotExist:
        raise Http404 from None


def claims_visible_to(user: User, *, state: str | None = None) -> QuerySet[Claim]:
    claims = Claim.objects.visible_to(user).select_related(
        "worker", "org", "benefit", "enrolment__plan"
    )
    return claims.filter(state=state) if state else claims


def claim_for(user: User, pk: int) -> Claim:
    """One claim in the user's subtree, or 404 (its existence is not revealed)."""
    try:
        return claims_visible_to(user).get(pk=pk)
    except Claim.DoesNotExist:
        raise Http404 from None


def claim_queue(user: User) -> QuerySet[Claim]:
    """What waits for this user: claims in the states their role moves on, oldest first."""
    states = CLAIM_FLOW.queue_states(user.role)
    return claims_visible_to(user).filter(state__in=states).order_by("state_changed_at", "id")


def claim_timeline(user: User, claim: Claim) -> list:
    """The claim's steps (who, when, why, each version); ``claim`` came from ``claim_for``."""
    claim_for(user, claim.pk)
    return timeline(CLAIM_FLOW.object_type, claim.pk)


def documents_of(user: User, claim: Claim) -> QuerySet[ClaimDocument]:
    return ClaimDocument.objects.visible_to(user).filter(claim=claim)


def document_for(user: User, pk: int) -> ClaimDocument:
    try:
        return ClaimDocument.objects.visible_to(user).get(pk=pk)
    except ClaimDocument.DoesNotExist:
        raise Http404 from None


def payout_of(claim: Claim) -> Payout | None:
    return Payout.objects.filter(claim=claim).first()


@dataclass
class AidFigures:
    org: Org
    year: int
    enrolments: int
    payees: int
    payouts: int
    paid_fen: int
    children: list["AidFigures"] = field(default_factory=list)


def payees(under: Under, period: Period) -> int:
    """Distinct workers paid for the plan years ``period`` touches (exact at any level)."""
    return distinct_workers(
        under,
        period.in_whole_years(),
        per_county=AidPayeeYear.objects.all(),
        raw=Payout.objects.filter(year__range=period.years),
        raw_date=None,
    )


@shared
def aid_sums(under: Under, period: Period) -> dict[str, int]:
    """Enrolments (person-years), payouts and fen paid of the plan years ``period`` touches."""
    rows = AidOrgYear.objects.filter(year__range=period.years, **under.filter())
    return rows.aggregate(**{c: Sum(c, default=0) for c in ("enrolments", "payouts", "paid_fen")})


def enrolments_in(under: Under, period: Period) -> int:
    """Enrolments (person-years) of the plan years ``period`` touches."""
    return aid_sums(under, period)["enrolments"]


def payouts_in(under: Under, period: Period) -> int:
    """Payouts (one per claim paid) of the plan years ``period`` touches."""
    return aid_sums(under, period)["payouts"]


def paid_fen(under: Under, period: Period) -> int:
    """Mutual aid paid for the plan years ``period`` touches, in fen."""
    return aid_sums(under, period)["paid_fen"]


def _figures(org: Org, year: int) -> AidFigures:
    under, period = Under(org.path), Period.year(year)
    sums = aid_sums(under, period)
    return AidFigures(
        org=org,
        year=year,
        enrolments=sums["enrolments"],
        payees=payees(under, period),
        payouts=sums["payouts"],
        paid_fen=sums["paid_fen"],
    )


def aid_figures(user: User, *, year: int, org_code: str | None = None) -> AidFigures:
    """Enrolments (person-years), distinct payees, payouts and fen paid in the user's subtree
    (or the org ``org_code`` inside it) for a plan year, with one line per child org."""
    org = org_asked_for(user, org_code)
    figures = _figures(org, year)
    figures.children = [_figures(child, year) for child in child_orgs(org)]
    return figures


def claim_row(claim: Claim) -> dict:
    """What a list shows of a claim: masked name, org, state and amounts; no health data."""
    return {
        "id": claim.pk,
        "masked_name": mask_name(claim.worker.name),
        "org_code": claim.org.code,
        "org_name": claim.org.name,
        "state": claim.state,
        "state_label": claim.get_state_display(),
        "claimed_fen": claim.claimed_fen,
        "approved_fen": claim.approved_fen,
        "state_changed_at": claim.state_changed_at,
    }


def claim_detail(user: User, claim: Claim) -> dict:
    """A claim's page: the row, the episode, the rule, what the user may do now, the
    documents and the timeline (each step with the version it left)."""
    payout = payout_of(claim)
    return {
        **claim_row(claim),
        "year": claim.enrolment.year,
        "category": claim.benefit.category,
        "diagnosed_on": claim.diagnosed_on,
        "hospital": claim.hospital,
        "rule_fen": claim.rule_fen,
        "rule_text": claim.rule_text,
        "approved_yuan": None
        if claim.approved_fen is None
        else str(fen_to_yuan(claim.approved_fen)),
        "payout_reference": payout.reference if payout else None,
        "actions": [t.name for t in CLAIM_FLOW.available(user, claim)],
        "documents": list(documents_of(user, claim)),
        "timeline": [
            {
                "action": s.action,
                "action_label": s.action_label,
                "from_state": s.from_state,
                "to_state": s.to_state,
                "to_state_label": CLAIM_FLOW.state_label(s.to_state),
                "by": s.by.username,
                "at": s.at,
                "reason": s.reason,
                "version": s.snapshot,
            }
            for s in claim_timeline(user, claim)
        ],
    }


def enrolment_of(user: User, *, plan: Plan, id_number: str) -> Enrolment | None:
    """A worker's enrolment in ``plan`` by ID number (exact, via the blind index), in scope."""
    worker = worker_by_id(user, id_number)
    if worker is None:
        return None
    return enrolments_visible_to(user).filter(plan=plan, worker=worker).first()


def worker_by_id(user: User, id_number: str) -> Worker | None:
    """A worker of the user's subtree by ID number, or None."""
    return worker_visible_by_id_number(user, normalise_id(id_number))


def rosters_visible_to(user: User) -> QuerySet[EnrolmentRoster]:
    """Rosters submitted in the user's subtree (its own and those it reviews), pending first."""
    return (
        EnrolmentRoster.objects.visible_to(user)
        .select_related("org")
        .prefetch_related(Prefetch("rows", RosterRow.objects.select_related("worker")))
        .order_by("-state", "submitted_at")  # "submitted" sorts after "reviewed"
    )


def rosters_to_review(user: User) -> QuerySet[EnrolmentRoster]:
    """Rosters waiting for this user's review, oldest first: submitted by a union below the
    user's org (the org's own rosters wait for the union above it), none for a role that
    does not review. The home page counts this list and links to it."""
    if user.role not in ROSTER_REVIEWERS:
        return EnrolmentRoster.objects.none()
    return (
        rosters_visible_to(user)
        .filter(state=RosterState.SUBMITTED)
        .exclude(org_path=scope_of(user))
    )


def roster_list(user: User, *, waiting: bool = False) -> QuerySet[EnrolmentRoster]:
    """The rosters page: every roster in scope (or those ``rosters_to_review``) with its
    plan and row counts, without loading the rows themselves."""
    rosters = rosters_to_review(user) if waiting else rosters_visible_to(user)
    return (
        rosters.prefetch_related(None)
        .select_related("plan")
        .annotate(
            row_count=Count("rows"),
            returned_count=Count("rows", filter=Q(rows__decision=RowDecision.RETURNED)),
        )
    )


def roster_for(user: User, pk: int) -> EnrolmentRoster:
    try:
        return rosters_visible_to(user).get(pk=pk)
    except EnrolmentRoster.DoesNotExist:
        raise Http404 from None


def roster_out(roster: EnrolmentRoster) -> dict:
    return {
        "id": roster.pk,
        "plan": roster.plan_id,
        "org_code": roster.org.code,
        "filename": roster.filename,
        "state": roster.state,
        "submitted_at": roster.submitted_at,
        "rows": [
            {
                "row_number": r.row_number,
                "masked_name": mask_name(r.worker.name),
                "id_masked": r.worker.id_masked,
                "paid_on": r.paid_on,
                "decision": r.decision,
                "decision_label": r.get_decision_display(),
                "reason": r.reason,
            }
            for r in roster.rows.all()
        ],
    }


def story_of(user: User, worker: Worker) -> list[StoryLine]:
    """The worker's enrolments and claims (with their state) in the user's subtree."""
    lines = [
        StoryLine(
            e.paid_on,
            "互助保障",
            f"参加{e.plan.name}（{e.year}年度，缴费{yuan(e.contribution_fen)}）",
        )
        for e in Enrolment.objects.visible_to(user)
        .filter(worker=worker)
        .select_related("plan")
        .order_by("paid_on", "pk")
    ]
    for c in Claim.objects.visible_to(user).filter(worker=worker).order_by("pk"):
        amount = c.approved_fen if c.approved_fen is not None else c.claimed_fen
        lines.append(
            StoryLine(
                c.diagnosed_on,
                "互助保障",
                f"互助金申请{yuan(amount)}，{c.get_state_display()}",
                reverse("mutualaid:claim_detail", args=[c.pk]),
            )
        )
    return lines
