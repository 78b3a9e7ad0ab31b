"""Every write to wage-arrears cases: opening, workers (one by one or a whole roster, all or
nothing), the workflow 受理 → 调查 → 调解 → 仲裁/诉讼 → 结案, recoveries, transfers.

Steps go through ``CASE_FLOW`` (``gonghui.audit.workflow``): role and scope
checked, a conditional update against races, a timeline row and an audit
event. Recoveries keep the rollups current in the same transaction. Every
write that moves a case on stamps ``last_progress_at``, which the overdue
report reads.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from stdnum.cn import uscc

from gonghui.accounts.models import Role, User
from gonghui.audit.services import record_event
from gonghui.audit.workflow import Transition, Workflow, four_eyes_refusal
from gonghui.core.audited import service
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.rollups import insert_rows
from gonghui.core.scoping import require_role_in_scope
from gonghui.orgs.models import Org
from gonghui.rights import rollups
from gonghui.rights.models import (
    CaseAccess,
    CaseState,
    CaseWorker,
    Channel,
    Outcome,
    Recovery,
    Referral,
    WageCase,
)

RECOVERY_COLUMNS = [
    "case_worker_id",
    "case_id",
    "worker_id",
    "org_id",
    "org_path",
    "wages_fen",
    "compensation_fen",
    "recovered_on",
    "recorded_by_id",
    "recorded_at",
]
CASE_WORKERS = frozenset({Role.OFFICER, Role.PROVINCE_ADMIN})
# Who may see the case's workers by name and phone: the officer and the reviewer of the org
# handling the case, who call the workers. An auditor, other staff in scope and the
# federations above keep the masked form.
CASE_HANDLERS = frozenset({Role.OFFICER, Role.REVIEWER})
S = CaseState


def _snapshot(case: WageCase) -> dict:
    return {
        "org": case.org_id,
        "employer": case.employer_name,
        "project": case.project,
        "referral": case.referral,
        "external_body": case.external_body,
        "outcome": case.outcome,
    }


CASE_FLOW = Workflow(
    object_type="wage_case",
    states=CaseState,
    snapshot=_snapshot,
    transitions=[
        Transition("investigate", "开始调查", (S.ACCEPTED,), S.INVESTIGATING, CASE_WORKERS),
        Transition("mediate", "进入调解", (S.INVESTIGATING,), S.MEDIATING, CASE_WORKERS),
        Transition(
            "refer", "移送仲裁/诉讼", (S.INVESTIGATING, S.MEDIATING), S.REFERRED, CASE_WORKERS
        ),
        Transition(
            "close",
            "结案",
            (S.ACCEPTED, S.INVESTIGATING, S.MEDIATING, S.REFERRED),
            S.CLOSED,
            CASE_WORKERS,
            reason_required=True,
        ),
    ],
)


def check_uscc(value: str, *, field: str, label: str) -> str:
    """A unified social credit code (GB 32100), upper-cased; ``DomainError`` naming the field."""
    code = value.strip().upper()
    try:
        return uscc.validate(code)
    except Exception:
        raise DomainError(
            "bad_uscc", f"{label}“{value}”不是有效的统一社会信用代码", field=field
        ) from None


@transaction.atomic
def open_case(
    *,
    by: User,
    org: Org,
    channel: str,
    employer_name: str,
    employer_uscc: str,
    opened_on: datetime.date,
    project: str = "",
    contractor_name: str = "",
    contractor_uscc: str = "",
    summary: str = "",
    client_ip: str | None = None,
) -> WageCase:
    """A case taken in (受理) by ``org`` in the officer's subtree."""
    require_role_in_scope(by, CASE_WORKERS, org.path, "无权在该组织受理案件")
    if channel not in Channel.values:
        raise DomainError("bad_channel", "来源渠道不正确", field="channel")
    if not employer_name.strip():
        raise DomainError("required", "须填写用人单位", field="employer_name")
    code = check_uscc(employer_uscc, field="employer_uscc", label="用人单位信用代码")
    contractor = (
        check_uscc(contractor_uscc, field="contractor_uscc", label="总承包单位信用代码")
        if contractor_uscc.strip()
        else ""
    )
    now = timezone.now()
    case = WageCase.objects.create(
        org=org,
        org_path=org.path,
        intake_org=org,
        channel=channel,
        employer_name=employer_name.strip(),
        employer_uscc=code,
        project=project.strip(),
        contractor_name=contractor_name.strip(),
        contractor_uscc=contractor,
        summary=summary.strip(),
        state=S.ACCEPTED,
        state_changed_at=now,
        last_progress_at=now,
        opened_on=opened_on,
        opened_by=by,
    )
    CASE_FLOW.start(case, by=by)
    record_event(
        actor=by,
        action="create",
        object_type="wage_case",
        object_id=case.pk,
        org_path=org.path,
        client_ip=client_ip,
        after={"channel": channel, "employer_uscc": code, "project": case.project},
    )
    return case


def handles(user: User, case: WageCase) -> bool:
    """``user`` is the case's officer or reviewer: in the org handling it now."""
    return getattr(user, "role", None) in CASE_HANDLERS and user.org_id == case.org_id


def require_handler(user: User, case: WageCase) -> None:
    if not handles(user, case):
        raise PermissionDenied("forbidden", "仅本案承办单位的经办人、审核人可查看职工姓名和电话")


@transaction.atomic
def reveal_case_workers(*, by: User, case: WageCase, client_ip: str | None = None) -> None:
    """Let the case's officer or reviewer see its workers' names and phones (read through
    ``selectors.case_workers(in_clear=True)``); refused to anyone else, always audited."""
    require_handler(by, case)
    record_event(
        actor=by,
        action="unmask",
        object_type="wage_case",
        object_id=case.pk,
        org_path=case.org_path,
        client_ip=client_ip,
        after={"field": "涉案职工姓名、手机号码", "workers": case.workers.count()},
    )


@service
def _touch(case: WageCase) -> None:
    now = timezone.now()
    WageCase.objects.filter(pk=case.pk).update(last_progress_at=now)
    case.last_progress_at = now


def _open_for_work(by: User, case: WageCase, what: str) -> None:
    require_role_in_scope(by, CASE_WORKERS, case.org_path, f"无权{what}")
    if case.state == S.CLOSED:
        raise DomainError("case_closed", "案件已结案")


@dataclass(frozen=True)
class WorkerOwed:
    """One worker to add: found in the registry, with the wages owed in fen."""

    worker_id: int
    owed_fen: int


@transaction.atomic
def add_workers(
    *, by: User, case: WageCase, rows: list[WorkerOwed], client_ip: str | None = None
) -> list[CaseWorker]:
    """Add workers to a case, all or none; a worker already on the case is refused."""
    _open_for_work(by, case, "为该案件登记职工")
    try:
        with transaction.atomic():
            added = CaseWorker.objects.bulk_create(
                [CaseWorker(case=case, worker_id=r.worker_id, owed_fen=r.owed_fen) for r in rows]
            )
    except IntegrityError:
        raise DomainError("already_on_case", "有职工已在本案件中") from None
    _touch(case)
    total = sum(r.owed_fen for r in rows)
    CASE_FLOW.note(case, action="add_workers", label=f"登记职工{len(rows)}人", by=by)
    record_event(
        actor=by,
        action="add_workers",
        object_type="wage_case",
        object_id=case.pk,
        org_path=case.org_path,
        client_ip=client_ip,
        after={"workers": len(rows), "owed_fen": total},
    )
    return added


def move_case(
    *,
    by: User,
    case: WageCase,
    action: str,
    reason: str = "",
    referral: str = "",
    external_body: str = "",
    client_ip: str | None = None,
) -> WageCase:
    """Take a workflow step. ``refer`` names arbitration or litigation and the external body;
    ``close`` sets the outcome from the recoveries (wages recovered against wages owed)."""
    changes: dict = {"last_progress_at": timezone.now()}
    if action == "refer":
        if referral not in Referral.values or not external_body.strip():
            raise DomainError(
                "referral_required", "移送须选择仲裁或诉讼并填写受理机构", field="external_body"
            )
        changes.update(referral=referral, external_body=external_body.strip())
    with transaction.atomic():
        if action == "close":
            CASE_FLOW.check(case, action=action, by=by, reason=reason)
            changes["outcome"] = outcome_of(case)
        CASE_FLOW.move(
            case, action=action, by=by, reason=reason, changes=changes, client_ip=client_ip
        )
    return case


def outcome_of(case: WageCase) -> str:
    """全部追回 when every worker's wages are recovered in full, 部分 when anything was, else 未追回."""
    owed = {
        cw.pk: cw.owed_fen for cw in CaseWorker.objects.filter(case=case).only("pk", "owed_fen")
    }
    got = dict(
        Recovery.objects.filter(case=case)
        .values("case_worker_id")
        .annotate(w=Sum("wages_fen"), c=Sum("compensation_fen"))
        .values_list("case_worker_id", "w")
    )
    if owed and all(got.get(pk, 0) >= fen for pk, fen in owed.items()):
        return Outcome.FULL
    if Recovery.objects.filter(case=case).exists():
        return Outcome.PART
    return Outcome.NONE


@dataclass(frozen=True)
class Instalment:
    case_worker_id: int
    wages_fen: int
    compensation_fen: int
    recovered_on: datetime.date


def check_instalment(item: Instalment, today: datetime.date) -> None:
    """The rules of one instalment (the importer reports them per row)."""
    if item.wages_fen < 0 or item.compensation_fen < 0:
        negative = "wages_fen" if item.wages_fen < 0 else "compensation_fen"
        raise DomainError("bad_amount", "追回金额不能为负", field=negative)
    if item.wages_fen == 0 and item.compensation_fen == 0:
        raise DomainError("bad_amount", "追回工资和赔偿金不能都为0", field="wages_fen")
    if item.recovered_on > today:
        raise DomainError(
            "future_date", f"追回日期{item.recovered_on}晚于今天", field="recovered_on"
        )


@transaction.atomic
def record_recoveries(
    *, by: User, case: WageCase, items: list[Instalment], client_ip: str | None = None
) -> int:
    """Record instalments recovered for workers on the case, all or none, with the rollups;
    returns how many. The recovering org is the one handling the case now. Four eyes
    (``settings.FOUR_EYES``): the officer who took the case in does not record its money."""
    require_role_in_scope(by, CASE_WORKERS, case.org_path, "无权为该案件登记追回金额")
    refusal = four_eyes_refusal(
        by=by, earlier=(case.opened_by_id,), what="登记追回金额", because="受理此案件"
    )
    if refusal is not None:
        raise refusal
    if case.state == S.CLOSED:
        raise DomainError("case_closed", "案件已结案，不能再登记追回")
    workers = dict(
        CaseWorker.objects.filter(case=case, pk__in={i.case_worker_id for i in items}).values_list(
            "pk", "worker_id"
        )
    )
    today = timezone.localdate()
    for item in items:
        if item.case_worker_id not in workers:
            raise DomainError("not_on_case", "追回记录中的职工不在本案件中", field="worker")
        check_instalment(item, today)
    now = timezone.now()
    rows = [
        (
            i.case_worker_id,
            case.pk,
            workers[i.case_worker_id],
            case.org_id,
            case.org_path,
            i.wages_fen,
            i.compensation_fen,
            i.recovered_on,
            by.pk,
            now,
        )
        for i in items
    ]
    insert_rows(Recovery, RECOVERY_COLUMNS, rows)
    rollups.add_recoveries(
        (
            case.org_id,
            case.org_path,
            i.recovered_on.year,
            i.wages_fen,
            i.compensation_fen,
            workers[i.case_worker_id],
        )
        for i in items
    )
    _touch(case)
    wages = sum(i.wages_fen for i in items)
    compensation = sum(i.compensation_fen for i in items)
    CASE_FLOW.note(case, action="recover", label=f"登记追回{len(items)}笔", by=by)
    record_event(
        actor=by,
        action="recover",
        object_type="wage_case",
        object_id=case.pk,
        org_path=case.org_path,
        client_ip=client_ip,
        after={"instalments": len(items), "wages_fen": wages, "compensation_fen": compensation},
    )
    return len(rows)


@service
@transaction.atomic
def transfer_case(
    *, by: User, case: WageCase, to_org: Org, reason: str, client_ip: str | None = None
) -> WageCase:
    """Hand the case to another org; the sender keeps read access (and its recoveries stay
    credited to it). A second transfer racing this one finds the case gone and is refused."""
    _open_for_work(by, case, "移交该案件")
    if not reason.strip():
        raise DomainError("reason_required", "移交须填写理由", field="reason")
    if to_org.pk == case.org_id:
        raise DomainError("same_org", "案件已由该组织承办", field="to_org")
    sender_id, sender_path = case.org_id, case.org_path
    updated = WageCase.objects.filter(pk=case.pk, org_id=sender_id).update(
        org=to_org, org_path=to_org.path, last_progress_at=timezone.now()
    )
    if not updated:
        raise DomainError("stale_state", "该案件已被他人移交，请刷新")
    CaseAccess.objects.get_or_create(
        case=case, org_id=sender_id, defaults={"org_path": sender_path}
    )
    case.refresh_from_db()
    CASE_FLOW.note(case, action="transfer", label=f"移交{to_org.name}", by=by, reason=reason)
    record_event(
        actor=by,
        action="transfer",
        object_type="wage_case",
        object_id=case.pk,
        org_path=sender_path,
        client_ip=client_ip,
        before={"org": sender_id},
        after={"org": to_org.pk, "reason": reason.strip()},
    )
    return case
