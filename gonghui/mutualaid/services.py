"""Every write to mutual aid: plans, enrolments, claims through their workflow, payouts.

A claim moves draft → submitted → checked (grassroots) → approved / returned /
rejected → paid through ``CLAIM_FLOW`` (``gonghui.audit.workflow``), whose
conditional update makes two reviewers (or two payers) acting at once end with
one winner, and whose four-eyes rule keeps approving and paying apart from filing
and checking. Approval computes the payable amount from the plan's rules with
the enrolment row locked, so two claims of one person cannot both use the
same part of the annual cap; paying creates the one ``Payout`` a claim may
have, and the rollups, in the same transaction.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from gonghui.accounts.models import Role, User
from gonghui.audit.services import record_event
from gonghui.audit.workflow import Transition, Workflow
from gonghui.core.audited import service
from gonghui.core.crypto import decrypt, encrypt
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.money import yuan
from gonghui.core.scoping import in_scope, require_role_in_scope, scope_of
from gonghui.core.uploads import read_upload, store_upload
from gonghui.members.models import Worker
from gonghui.mutualaid import rollups
from gonghui.mutualaid.models import (
    DIAGNOSIS_PURPOSE,
    Benefit,
    Claim,
    ClaimDocument,
    ClaimState,
    Enrolment,
    EnrolmentRoster,
    Payout,
    Plan,
    RosterRow,
    RosterState,
    RowDecision,
)
from gonghui.orgs.models import Org

# Union staff file, check and pay; reviewers decide. The province admin may do both.
STAFF = frozenset({Role.OFFICER, Role.PROVINCE_ADMIN})
REVIEWERS = frozenset({Role.REVIEWER, Role.PROVINCE_ADMIN})
S = ClaimState
# Four eyes (``settings.FOUR_EYES``): whoever filed, submitted or checked a claim does not
# approve it, and whoever did any of that or approved it does not pay it.
PREPARED = ("create", "submit", "check", "resubmit")


class ClaimRefused(DomainError):
    status = 409


def _snapshot(claim: Claim) -> dict:
    """What the timeline keeps of each version; the diagnosis stays out (health data)."""
    return {
        "benefit": claim.benefit_id,
        "diagnosed_on": claim.diagnosed_on.isoformat(),
        "hospital": claim.hospital,
        "claimed_fen": claim.claimed_fen,
        "rule_fen": claim.rule_fen,
        "rule_text": claim.rule_text,
        "approved_fen": claim.approved_fen,
    }


CLAIM_FLOW = Workflow(
    object_type="aid_claim",
    states=ClaimState,
    snapshot=_snapshot,
    transitions=[
        Transition("submit", "提交", (S.DRAFT,), S.SUBMITTED, STAFF),
        Transition("check", "基层核实", (S.SUBMITTED,), S.CHECKED, STAFF),
        Transition("approve", "批准", (S.CHECKED,), S.APPROVED, REVIEWERS, apart_from=PREPARED),
        Transition("return", "退回补充材料", (S.CHECKED,), S.RETURNED, REVIEWERS, True),
        Transition("resubmit", "重新提交", (S.RETURNED,), S.SUBMITTED, STAFF),
        Transition("reject", "不予给付", (S.SUBMITTED, S.CHECKED), S.REJECTED, REVIEWERS, True),
        Transition("pay", "发放", (S.APPROVED,), S.PAID, STAFF, apart_from=(*PREPARED, "approve")),
    ],
)


@transaction.atomic
def create_plan(
    *,
    by: User,
    org: Org,
    year: int,
    name: str,
    contribution_fen: int,
    enrol_opens: datetime.date,
    enrol_closes: datetime.date,
    cover_starts: datetime.date,
    cover_ends: datetime.date,
    annual_cap_fen: int,
    waiting_days: int,
    benefits: dict[str, int],
) -> Plan:
    """A plan run by ``org`` for its subtree; ``benefits`` maps illness category → fen."""
    require_role_in_scope(by, STAFF, org.path, "无权在该组织设立互助保障计划")
    if not benefits:
        raise DomainError("no_benefits", "须至少设定一个疾病类别的给付标准", field="benefits")
    if cover_ends < cover_starts or enrol_closes < enrol_opens:
        raise DomainError(
            "bad_period", "保障期和参保时间的结束日期不能早于开始日期", field="cover_ends"
        )
    if contribution_fen <= 0 or annual_cap_fen <= 0 or min(benefits.values()) <= 0:
        raise DomainError("bad_amount", "缴费、年度封顶和给付标准都须大于0", field="benefits")
    if Plan.objects.filter(org=org, year=year).exists():
        raise DomainError("plan_exists", f"{org.name}已有{year}年度计划", field="year")
    plan = Plan(
        org=org,
        org_path=org.path,
        year=year,
        name=name,
        contribution_fen=contribution_fen,
        enrol_opens=enrol_opens,
        enrol_closes=enrol_closes,
        cover_starts=cover_starts,
        cover_ends=cover_ends,
        annual_cap_fen=annual_cap_fen,
        waiting_days=waiting_days,
    )
    plan.full_clean()
    plan.save()
    Benefit.objects.bulk_create(
        [Benefit(plan=plan, category=c, amount_fen=fen) for c, fen in benefits.items()]
    )
    record_event(
        actor=by,
        action="create",
        object_type="aid_plan",
        object_id=plan.pk,
        org_path=org.path,
        after={"year": year, "name": name, "benefits": benefits, "cap_fen": annual_cap_fen},
    )
    return plan


def enrol_worker(
    *, by: User, plan: Plan, worker: Worker, paid_on: datetime.date, client_ip: str | None = None
) -> Enrolment:
    """Enrol one worker for the plan's year with the contribution recorded on ``paid_on``.

    Cover runs from the later of ``paid_on`` and the plan's cover start to the
    plan's cover end. A second enrolment of the same worker in the plan is refused.
    """
    require_role_in_scope(by, STAFF, worker.org_path, "无权为该职工办理参保")
    check_enrolment(plan, worker, paid_on)
    return _enrol(by=by, plan=plan, worker=worker, paid_on=paid_on, client_ip=client_ip)


def check_enrolment(plan: Plan, worker: Worker, paid_on: datetime.date) -> None:
    """The plan's rules for one enrolment (the roster import reports them per row)."""
    if not worker.org_path.startswith(plan.org_path):
        raise ClaimRefused("outside_plan", f"该职工不在“{plan.name}”的范围内", field="worker")
    if not plan.enrol_opens <= paid_on <= plan.enrol_closes:
        raise ClaimRefused(
            "enrol_closed",
            f"参保时间为{plan.enrol_opens}至{plan.enrol_closes}，{paid_on}不在其中",
            field="paid_on",
        )
    if Enrolment.objects.filter(plan=plan, worker=worker).exists():
        raise ClaimRefused(
            "already_enrolled", f"该职工已参加{plan.year}年度互助保障", field="worker"
        )


def _enrol(
    *, by: User, plan: Plan, worker: Worker, paid_on: datetime.date, client_ip: str | None = None
) -> Enrolment:
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                plan=plan,
                worker=worker,
                org_id=worker.org_id,
                org_path=worker.org_path,
                year=plan.year,
                contribution_fen=plan.contribution_fen,
                paid_on=paid_on,
                cover_starts=max(paid_on, plan.cover_starts),
                cover_ends=plan.cover_ends,
                created_by=by,
            )
            rollups.add_enrolment(enrolment)
            record_event(
                actor=by,
                action="enrol",
                object_type="aid_enrolment",
                object_id=enrolment.pk,
                org_path=enrolment.org_path,
                client_ip=client_ip,
                after={
                    "plan": plan.pk,
                    "worker": worker.pk,
                    "paid_on": paid_on.isoformat(),
                    "contribution_fen": plan.contribution_fen,
                },
            )
    except IntegrityError:
        raise ClaimRefused("already_enrolled", f"该职工已参加{plan.year}年度互助保障") from None
    return enrolment


@transaction.atomic
def submit_roster(
    *, by: User, plan: Plan, filename: str, rows: list[tuple[int, Worker, datetime.date]]
) -> EnrolmentRoster:
    """Put checked rows (row number, worker, paid on) before the next union up for review.

    The agent's org must have a union above it in the plan's tree; nothing is enrolled yet.
    """
    org = by.org
    if org is None:
        raise PermissionDenied("forbidden", "无权报送参保名册")
    require_role_in_scope(by, STAFF, org.path, "无权报送参保名册")
    if org.parent_id is None or not org.path.startswith(plan.org_path):
        raise ClaimRefused("no_reviewer", "该组织没有可审核名册的上级工会")
    roster = EnrolmentRoster.objects.create(
        plan=plan, org=org, org_path=org.path, filename=filename, submitted_by=by
    )
    RosterRow.objects.bulk_create(
        [RosterRow(roster=roster, row_number=n, worker=w, paid_on=d) for n, w, d in rows]
    )
    record_event(
        actor=by,
        action="submit_roster",
        object_type="aid_roster",
        object_id=roster.pk,
        org_path=org.path,
        after={"plan": plan.pk, "file": filename, "rows": len(rows)},
    )
    return roster


# Who may review a roster: staff or reviewers of any union above the one that submitted it.
ROSTER_REVIEWERS = STAFF | REVIEWERS


def may_review_roster(user: User, roster: EnrolmentRoster) -> bool:
    """Whether ``user`` is of a union above the roster's (never its own) in a reviewing role;
    the roster page offers the review form only then."""
    return (
        user.role in ROSTER_REVIEWERS
        and in_scope(user, roster.org_path)
        and roster.org_path != scope_of(user)
    )


@transaction.atomic
def review_roster(
    *, by: User, roster: EnrolmentRoster, returned: dict[int, str], client_ip: str | None = None
) -> list[Enrolment]:
    """The next union up (or any union above) accepts every row but those ``returned``
    (row number → reason); accepted rows become enrolments. Reviewed once: a second
    review, even at the same moment, is refused."""
    if not may_review_roster(by, roster):
        raise PermissionDenied("forbidden", "名册须由上级工会审核")
    rows = {r.row_number: r for r in roster.rows.select_related("worker")}
    unknown = sorted(set(returned) - set(rows))
    if unknown:
        raise DomainError("bad_row", f"名册中没有第{unknown[0]}行", field="returned")
    for number, reason in returned.items():
        if not reason.strip():
            raise DomainError("reason_required", f"退回第{number}行须填写理由", field="returned")
    updated = EnrolmentRoster.objects.filter(pk=roster.pk, state=RosterState.SUBMITTED).update(
        state=RosterState.REVIEWED, reviewed_by=by, reviewed_at=timezone.now()
    )
    if not updated:
        raise ClaimRefused("already_reviewed", "该名册已审核")
    enrolments = []
    for number, row in rows.items():
        if number in returned:
            row.decision, row.reason = RowDecision.RETURNED, returned[number].strip()
        else:
            check_enrolment(roster.plan, row.worker, row.paid_on)
            row.enrolment = _enrol(
                by=by, plan=roster.plan, worker=row.worker, paid_on=row.paid_on, client_ip=client_ip
            )
            row.decision = RowDecision.ACCEPTED
            enrolments.append(row.enrolment)
        row.save(update_fields=["decision", "reason", "enrolment"])
    record_event(
        actor=by,
        action="review_roster",
        object_type="aid_roster",
        object_id=roster.pk,
        org_path=roster.org_path,
        client_ip=client_ip,
        after={"accepted": len(enrolments), "returned": returned},
    )
    return enrolments


def _waiting_ends(enrolment: Enrolment) -> datetime.date:
    return enrolment.cover_starts + datetime.timedelta(days=enrolment.plan.waiting_days)


def _check_cover(enrolment: Enrolment, diagnosed_on: datetime.date) -> None:
    """Refuse an episode outside cover: before cover, in the waiting period, after cover."""
    waiting_ends = _waiting_ends(enrolment)
    if diagnosed_on < waiting_ends:
        raise ClaimRefused(
            "waiting_period", f"等待期内（{waiting_ends}前）确诊的疾病不能申请互助金"
        )
    if diagnosed_on > enrolment.cover_ends:
        raise ClaimRefused("not_covered", f"保障期至{enrolment.cover_ends}，确诊日期在其后")


def file_claim(
    *,
    by: User,
    enrolment: Enrolment,
    category: str,
    diagnosed_on: datetime.date,
    hospital: str,
    diagnosis: str,
    claimed_fen: int,
    client_ip: str | None = None,
) -> Claim:
    """A draft claim for one illness episode; one live claim per (person-year, category, date)."""
    require_role_in_scope(by, STAFF, enrolment.org_path, "无权为该职工申请互助金")
    benefit = Benefit.objects.filter(plan_id=enrolment.plan_id, category=category).first()
    if benefit is None:
        raise ClaimRefused("no_benefit", f"本计划没有“{category}”这一疾病类别", field="category")
    if claimed_fen <= 0:
        raise DomainError("bad_amount", "申请金额须大于0", field="claimed_fen")
    if not hospital.strip() or not diagnosis.strip():
        raise DomainError("required", "须填写医院和诊断", field="hospital")
    _check_cover(enrolment, diagnosed_on)
    claim = Claim(
        enrolment=enrolment,
        benefit=benefit,
        worker_id=enrolment.worker_id,
        org_id=enrolment.org_id,
        org_path=enrolment.org_path,
        diagnosed_on=diagnosed_on,
        hospital=hospital.strip(),
        claimed_fen=claimed_fen,
        state=S.DRAFT,
        state_changed_at=timezone.now(),
        filed_by=by,
        diagnosis_cipher=encrypt(diagnosis.strip(), purpose=DIAGNOSIS_PURPOSE),
    )
    try:
        with transaction.atomic():
            claim.save()
            CLAIM_FLOW.start(claim, by=by)
            record_event(
                actor=by,
                action="create",
                object_type="aid_claim",
                object_id=claim.pk,
                org_path=claim.org_path,
                client_ip=client_ip,
                after={
                    "category": category,
                    "diagnosed_on": diagnosed_on.isoformat(),
                    "claimed_fen": claimed_fen,
                },
            )
    except IntegrityError:
        raise ClaimRefused(
            "episode_claimed",
            f"该职工{diagnosed_on}确诊的“{category}”已有申请（每次疾病只给付一次）",
        ) from None
    return claim


@service
@transaction.atomic
def amend_claim(
    *,
    by: User,
    claim: Claim,
    hospital: str | None = None,
    diagnosis: str | None = None,
    claimed_fen: int | None = None,
    client_ip: str | None = None,
) -> Claim:
    """Correct a draft or returned claim; the next step's snapshot keeps the new version."""
    require_role_in_scope(by, STAFF, claim.org_path, "无权修改该申请")
    if claim.state not in (S.DRAFT, S.RETURNED):
        raise ClaimRefused("not_editable", "只有草稿或被退回的申请可以修改")
    changes: dict = {}
    if hospital is not None:
        changes["hospital"] = hospital.strip()
    if claimed_fen is not None:
        if claimed_fen <= 0:
            raise DomainError("bad_amount", "申请金额须大于0", field="claimed_fen")
        changes["claimed_fen"] = claimed_fen
    if diagnosis is not None:
        changes["diagnosis_cipher"] = encrypt(diagnosis.strip(), purpose=DIAGNOSIS_PURPOSE)
    updated = Claim.objects.filter(pk=claim.pk, state=claim.state).update(**changes)
    if not updated:
        raise ClaimRefused("stale_state", "该申请已被他人处理，请刷新")
    for name, value in changes.items():
        setattr(claim, name, value)
    record_event(
        actor=by,
        action="amend",
        object_type="aid_claim",
        object_id=claim.pk,
        org_path=claim.org_path,
        client_ip=client_ip,
        after={k: v for k, v in changes.items() if k != "diagnosis_cipher"}
        | ({"diagnosis": "（已修改）"} if diagnosis is not None else {}),
    )
    return claim


@dataclass(frozen=True)
class Payable:
    """The most the rules allow for a claim, and the rule that produced it, in words."""

    fen: int
    rule: str


def payable(claim: Claim) -> Payable:
    """min(category amount, amount claimed, annual cap left) once the waiting period is over.

    The cap counts every other approved or paid claim of the same person-year.
    """
    enrolment = claim.enrolment
    plan = enrolment.plan
    _check_cover(enrolment, claim.diagnosed_on)
    used = (
        Claim.objects.filter(enrolment=enrolment, state__in=(S.APPROVED, S.PAID))
        .exclude(pk=claim.pk)
        .aggregate(total=Sum("approved_fen"))["total"]
        or 0
    )
    left = max(plan.annual_cap_fen - used, 0)
    fen = min(claim.benefit.amount_fen, claim.claimed_fen, left)
    rule = (
        f"“{claim.benefit.category}”给付标准{yuan(claim.benefit.amount_fen)}；"
        f"申请{yuan(claim.claimed_fen)}；年度封顶{yuan(plan.annual_cap_fen)}，"
        f"已批准{yuan(used)}，尚余{yuan(left)}；取三者最小值{yuan(fen)}"
    )
    return Payable(fen, rule)


def move_claim(
    *, by: User, claim: Claim, action: str, reason: str = "", client_ip: str | None = None
) -> Claim:
    """Submit, check, return, resubmit or reject a claim (approve and pay have their own door)."""
    if action in ("approve", "pay"):
        raise DomainError("use_service", "批准和发放须通过专门的操作")
    CLAIM_FLOW.move(claim, action=action, by=by, reason=reason, client_ip=client_ip)
    return claim


@transaction.atomic
def approve_claim(
    *,
    by: User,
    claim: Claim,
    amount_fen: int | None = None,
    reason: str = "",
    client_ip: str | None = None,
) -> Claim:
    """Approve at the rule's amount, or lower (a lower amount needs a reason); never higher."""
    CLAIM_FLOW.check(claim, action="approve", by=by)
    # Lock the person-year: two claims of one person approved at once must not share the cap.
    Enrolment.objects.select_for_update().filter(pk=claim.enrolment_id).first()
    found = payable(claim)
    if found.fen <= 0:
        raise ClaimRefused("cap_reached", f"已达年度封顶，无可给付金额（{found.rule}）")
    amount = found.fen if amount_fen is None else amount_fen
    if amount > found.fen:
        raise ClaimRefused(
            "above_rule", f"批准金额{yuan(amount)}超过规则允许的{yuan(found.fen)}（{found.rule}）"
        )
    if amount <= 0:
        raise DomainError("bad_amount", "批准金额须大于0", field="amount_fen")
    if amount < found.fen and not reason.strip():
        raise DomainError("reason_required", "低于规则金额批准须填写理由", field="reason")
    CLAIM_FLOW.move(
        claim,
        action="approve",
        by=by,
        reason=reason,
        client_ip=client_ip,
        changes={"rule_fen": found.fen, "rule_text": found.rule, "approved_fen": amount},
    )
    return claim


@transaction.atomic
def pay_claim(
    *, by: User, claim: Claim, paid_on: datetime.date | None = None, client_ip: str | None = None
) -> Payout:
    """Pay an approved claim once: the state change, the payout and the rollups stand or fall
    together, and a second attempt (even at the same moment) is refused."""
    CLAIM_FLOW.move(claim, action="pay", by=by, client_ip=client_ip)
    # Only ``approve_claim`` leads to the approved state, and it sets the amount.
    assert claim.approved_fen is not None
    payout = Payout.objects.create(
        claim=claim,
        reference=f"HZ{claim.enrolment.year}{claim.pk:010d}",
        worker_id=claim.worker_id,
        org_id=claim.org_id,
        org_path=claim.org_path,
        year=claim.enrolment.year,
        amount_fen=claim.approved_fen,
        paid_on=paid_on or timezone.localdate(),
        paid_by=by,
    )
    rollups.add_payout(payout)
    record_event(
        actor=by,
        action="create",
        object_type="aid_payout",
        object_id=payout.pk,
        org_path=payout.org_path,
        client_ip=client_ip,
        after={"claim": claim.pk, "reference": payout.reference, "amount_fen": payout.amount_fen},
    )
    return payout


def act_on_claim(
    *,
    by: User,
    claim: Claim,
    action: str,
    reason: str = "",
    amount_fen: int | None = None,
    client_ip: str | None = None,
) -> Claim:
    """One door for pages and the API: any workflow action by name (``amount_fen`` only
    for ``approve``)."""
    if action == "approve":
        return approve_claim(
            by=by, claim=claim, amount_fen=amount_fen, reason=reason, client_ip=client_ip
        )
    if action == "pay":
        pay_claim(by=by, claim=claim, client_ip=client_ip)
        return claim
    return move_claim(by=by, claim=claim, action=action, reason=reason, client_ip=client_ip)


DOCUMENT_PURPOSE = ClaimDocument.PURPOSE


@transaction.atomic
def attach_document(
    *, by: User, claim: Claim, filename: str, data: bytes, client_ip: str | None = None
) -> ClaimDocument:
    """Add a PDF/JPEG/PNG to a claim not yet decided; the type is judged by content."""
    require_role_in_scope(by, STAFF, claim.org_path, "无权为该申请上传材料")
    if claim.state not in (S.DRAFT, S.SUBMITTED, S.RETURNED):
        raise ClaimRefused("not_editable", "申请已核实或已决定，不能再上传材料")
    name = Path(filename).name[:200] or "材料"
    stored = store_upload(
        data, filename=name, folder=f"mutualaid/{claim.pk}", purpose=DOCUMENT_PURPOSE
    )
    document = ClaimDocument.objects.create(
        claim=claim, org_path=claim.org_path, name=name, **stored.record_fields(by)
    )
    record_event(
        actor=by,
        action="upload",
        object_type="aid_claim",
        object_id=claim.pk,
        org_path=claim.org_path,
        client_ip=client_ip,
        after={"document": document.pk, "name": name, "size": stored.size},
    )
    return document


def open_document(*, by: User, document: ClaimDocument, client_ip: str | None = None) -> bytes:
    """A document's content for staff or reviewers of the claim's subtree; always audited."""
    require_role_in_scope(by, STAFF | REVIEWERS, document.org_path, "无权查看申请材料")
    record_event(
        actor=by,
        action="view_document",
        object_type="aid_claim",
        object_id=document.claim_id,
        org_path=document.org_path,
        client_ip=client_ip,
        after={"document": document.pk},
    )
    return read_upload(document.stored_as, purpose=DOCUMENT_PURPOSE)


def reveal_diagnosis(*, by: User, claim: Claim, client_ip: str | None = None) -> str:
    """The diagnosis in clear, for reviewers of the claim's subtree only; always audited."""
    require_role_in_scope(by, REVIEWERS, claim.org_path, "无权查看诊断信息")
    record_event(
        actor=by,
        action="view_health",
        object_type="aid_claim",
        object_id=claim.pk,
        org_path=claim.org_path,
        client_ip=client_ip,
    )
    return decrypt(claim.diagnosis_cipher, purpose=DIAGNOSIS_PURPOSE)


def record_claim_view(*, by: User, claim: Claim, client_ip: str | None = None) -> None:
    """Every opening of a claim is in the audit log (it is health data even masked)."""
    record_event(
        actor=by,
        action="view",
        object_type="aid_claim",
        object_id=claim.pk,
        org_path=claim.org_path,
        client_ip=client_ip,
    )
