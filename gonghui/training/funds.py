"""Training-fund projects (校企合作): a union pays for an employer's workers' courses at a
college. Writes (set-up, spending, trainees, outcomes) and scoped reads.

Budget rule: ``record_spending`` adds to ``FundProject.spent_fen`` with one
conditional ``UPDATE … WHERE spent_fen + amount <= budget_fen``. On PostgreSQL
a second spender waits for the first one's row lock and then re-checks the
condition against the committed total; on SQLite the IMMEDIATE transaction
serialises writers. The check constraint ``fund_spent_within_budget`` is the
last line: no path can leave a project overspent.

Every write keeps ``FundYear`` current in the same transaction (see
``rollups``); projects are read by their funding org's subtree only.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.audit.services import record_event
from gonghui.audit.workflow import four_eyes_refusal
from gonghui.core.errors import DomainError
from gonghui.core.money import yuan_text
from gonghui.core.rollups import add_to_rollup
from gonghui.core.scoping import require_in_scope
from gonghui.orgs.selectors import county_path_of, org_by_path, org_for
from gonghui.orgs.services import register_employer
from gonghui.training.models import (
    FundKind,
    FundOutcome,
    FundProject,
    FundSpending,
    FundTrainee,
    FundYear,
    OutcomeKind,
)


def _bump(project: FundProject, year: int, **deltas: int) -> None:
    add_to_rollup(
        FundYear,
        key={"org_id": project.org_id, "year": year},
        deltas=deltas,
        extra={"org_path": project.org_path},
    )


def _employer(by, project_org, employer_name: str, uscc: str):
    """The partner employer by credit code: the registered one, or registered now under the
    funding org's county (the registry's name wins over the form's)."""
    if not employer_name.strip():
        raise DomainError("employer_required", "请填写合作企业名称", field="employer_name")
    try:
        return register_employer(
            by=by,
            name=employer_name.strip(),
            uscc=uscc,
            county=org_by_path(county_path_of(project_org.path)),
        )
    except DomainError as exc:
        raise DomainError(exc.code, exc.message, field="uscc") from None


def _full_clean(project: FundProject) -> None:
    """The model's own checks (lengths, choices) as a ``DomainError`` naming the field."""
    try:
        project.full_clean()
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        raise DomainError("invalid", messages[0], field=name) from None


def _check_project(
    *,
    name: str,
    kind: str,
    provider: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    budget_fen: int,
) -> None:
    if not name.strip():
        raise DomainError("name_required", "请填写项目名称", field="name")
    if kind not in FundKind.values:
        raise DomainError("bad_kind", "项目类型不正确", field="kind")
    if not provider.strip():
        raise DomainError("provider_required", "请填写合作院校或培训机构", field="provider")
    if ends_on < starts_on:
        raise DomainError("bad_period", "结束日期须不早于开始日期", field="ends_on")
    if budget_fen <= 0:
        raise DomainError("bad_budget", "预算须大于0", field="budget_fen")


@transaction.atomic
def create_fund_project(
    *,
    by,
    org,
    name: str,
    kind: str,
    employer_name: str,
    uscc: str,
    provider: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    budget_fen: int,
    client_ip: str | None = None,
) -> FundProject:
    """A project funded by ``org`` (in ``by``'s subtree; needs ``manage_programs``)."""
    require_in_scope(by, "manage_programs", org.path)
    _check_project(
        name=name,
        kind=kind,
        provider=provider,
        starts_on=starts_on,
        ends_on=ends_on,
        budget_fen=budget_fen,
    )
    employer = _employer(by, org, employer_name, uscc)
    project = FundProject(
        org=org,
        org_path=org.path,
        name=name.strip(),
        kind=kind,
        employer=employer,
        provider=provider.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        budget_fen=budget_fen,
        budget_set_by=by,
        created_at=timezone.now(),
    )
    _full_clean(project)
    project.save()
    _bump(project, starts_on.year, projects=1, budget_fen=budget_fen)
    record_event(
        actor=by,
        action="create",
        object_type="fund_project",
        object_id=project.pk,
        org_path=org.path,
        client_ip=client_ip,
        after={
            "name": project.name,
            "kind": kind,
            "employer": employer.uscc,
            "provider": project.provider,
            "period": [str(starts_on), str(ends_on)],
            "budget_fen": budget_fen,
        },
    )
    return project


@transaction.atomic
def update_fund_project(
    *,
    by,
    project: FundProject,
    name: str,
    kind: str,
    employer_name: str,
    uscc: str,
    provider: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    budget_fen: int,
    client_ip: str | None = None,
) -> FundProject:
    """Change a project's terms; the budget may not fall below what is already spent.

    Four eyes (``settings.FOUR_EYES``), as for a programme's budget: whoever set the budget
    in force (at creation or the last change) cannot change it again; another manager
    must. The other terms anyone managing the project may change.

    The row is locked first so that a spending in flight is either counted in the
    check or waits for this change.
    """
    require_in_scope(by, "manage_programs", project.org_path)
    _check_project(
        name=name,
        kind=kind,
        provider=provider,
        starts_on=starts_on,
        ends_on=ends_on,
        budget_fen=budget_fen,
    )
    current = FundProject.objects.select_for_update().get(pk=project.pk)
    new_budget = budget_fen != current.budget_fen
    refusal = new_budget and four_eyes_refusal(
        by=by, earlier=(current.budget_set_by_id,), what="修改预算", because="设定现行预算"
    )
    if refusal:
        raise refusal
    if budget_fen < current.spent_fen:
        raise DomainError(
            "budget_below_spent",
            f"预算不能少于已支出的{yuan_text(current.spent_fen)}元",
            field="budget_fen",
        )
    employer = _employer(by, current.org, employer_name, uscc)
    before = {
        "name": current.name,
        "kind": current.kind,
        "employer": current.employer.uscc,
        "provider": current.provider,
        "period": [str(current.starts_on), str(current.ends_on)],
        "budget_fen": current.budget_fen,
    }
    _bump(current, current.starts_on.year, projects=-1, budget_fen=-current.budget_fen)
    _bump(current, starts_on.year, projects=1, budget_fen=budget_fen)
    current.name, current.kind, current.employer = name.strip(), kind, employer
    current.provider, current.starts_on, current.ends_on = provider.strip(), starts_on, ends_on
    current.budget_fen = budget_fen
    if new_budget:
        current.budget_set_by = by
    _full_clean(current)
    current.save(
        update_fields=[
            "name",
            "kind",
            "employer",
            "provider",
            "starts_on",
            "ends_on",
            "budget_fen",
            "budget_set_by",
        ]
    )
    record_event(
        actor=by,
        action="update",
        object_type="fund_project",
        object_id=current.pk,
        org_path=current.org_path,
        client_ip=client_ip,
        before=before,
        after={
            "name": current.name,
            "kind": kind,
            "employer": employer.uscc,
            "provider": current.provider,
            "period": [str(starts_on), str(ends_on)],
            "budget_fen": budget_fen,
        },
    )
    return current


@transaction.atomic
def record_spending(
    *,
    by,
    project: FundProject,
    spent_on: datetime.date,
    amount_fen: int,
    purpose: str,
    client_ip: str | None = None,
) -> FundSpending:
    """Pay ``amount_fen`` out of the project's budget, or ``DomainError("over_budget")``
    naming what is left. Safe against simultaneous spenders (see the module doc)."""
    require_in_scope(by, "manage_programs", project.org_path)
    if amount_fen <= 0:
        raise DomainError("bad_amount", "支出金额须大于0", field="amount_fen")
    if not purpose.strip():
        raise DomainError("purpose_required", "请填写用途", field="purpose")
    if spent_on > timezone.localdate():
        raise DomainError("future_date", "支出日期不能晚于今天", field="spent_on")
    taken = FundProject.objects.filter(
        pk=project.pk, spent_fen__lte=F("budget_fen") - amount_fen
    ).update(spent_fen=F("spent_fen") + amount_fen)
    if not taken:
        left = FundProject.objects.get(pk=project.pk).left_fen
        raise DomainError(
            "over_budget",
            f"超出预算：本次{yuan_text(amount_fen)}元，预算仅剩{yuan_text(left)}元",
            field="amount_fen",
        )
    spending = FundSpending.objects.create(
        project=project,
        org_path=project.org_path,
        spent_on=spent_on,
        amount_fen=amount_fen,
        purpose=purpose.strip(),
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    _bump(project, spent_on.year, spent_fen=amount_fen)
    record_event(
        actor=by,
        action="spend",
        object_type="fund_project",
        object_id=project.pk,
        org_path=project.org_path,
        client_ip=client_ip,
        after={
            "spending": spending.pk,
            "amount_fen": amount_fen,
            "spent_on": str(spent_on),
            "purpose": spending.purpose,
        },
    )
    return spending


@dataclass
class Added:
    trainee: FundTrainee
    created: bool  # False: the worker was already a trainee of the project


@transaction.atomic
def add_trainee(
    *,
    by,
    project: FundProject,
    worker,
    joined_on: datetime.date | None = None,
    channel: str,
    client_ip: str | None = None,
) -> Added:
    """Fund ``worker`` (a registered worker of the project's subtree) from ``joined_on``
    (default the project's start), within the project's period. Adding a trainee
    again returns the first row unchanged, so a re-imported roster changes nothing."""
    require_in_scope(by, "record_services", project.org_path)
    if not worker.org_path.startswith(project.org_path):
        raise DomainError("not_eligible", f"该职工不在“{project.name}”资助组织的范围内")
    earlier = FundTrainee.objects.filter(project=project, worker=worker).first()
    if earlier is not None:
        return Added(earlier, created=False)
    joined_on = joined_on or project.starts_on
    if not project.starts_on <= joined_on <= project.ends_on:
        raise DomainError(
            "outside_period",
            f"入学日期须在项目期间（{project.starts_on}至{project.ends_on}）内",
            field="joined_on",
        )
    try:
        with transaction.atomic():
            trainee = FundTrainee.objects.create(
                project=project,
                worker=worker,
                org_path=project.org_path,
                joined_on=joined_on,
                channel=channel,
                added_at=timezone.now(),
            )
    except IntegrityError:  # the same worker added twice at once
        return Added(FundTrainee.objects.get(project=project, worker=worker), created=False)
    _bump(project, joined_on.year, trainees=1)
    record_event(
        actor=by,
        action="add_trainee",
        object_type="fund_project",
        object_id=project.pk,
        org_path=project.org_path,
        client_ip=client_ip,
        after={
            "trainee": trainee.pk,
            "worker": worker.pk,
            "joined_on": str(joined_on),
            "channel": channel,
        },
    )
    return Added(trainee, created=True)


@transaction.atomic
def record_outcome(
    *,
    by,
    trainee: FundTrainee,
    kind: str,
    on: datetime.date,
    note: str = "",
    client_ip: str | None = None,
) -> FundOutcome:
    """A trainee's result of ``kind`` on ``on``; recording the same kind again corrects it.

    Dropping out excludes completion, a certificate and a raised skill level (and the
    other way round); the date lies between joining and today.
    """
    project = trainee.project
    require_in_scope(by, "record_services", project.org_path)
    if kind not in OutcomeKind.values:
        raise DomainError("bad_kind", "培训结果不正确", field="kind")
    if not trainee.joined_on <= on <= timezone.localdate():
        raise DomainError(
            "bad_date", f"日期须在入学日期（{trainee.joined_on}）与今天之间", field="on"
        )
    others = set(trainee.outcomes.exclude(kind=kind).values_list("kind", flat=True))
    dropped = OutcomeKind.DROPPED
    if (kind == dropped and others) or (kind != dropped and dropped in others):
        raise DomainError(
            "conflicting_outcome", "中途退出与结业、取证、技能提升不能同时登记", field="kind"
        )
    earlier = FundOutcome.objects.select_for_update().filter(trainee=trainee, kind=kind).first()
    if earlier is not None:
        # FundYear's outcome columns are named by the kinds
        _bump(project, earlier.on.year, **{kind: -1})
        before = {"on": str(earlier.on), "note": earlier.note}
        earlier.on, earlier.note = on, note.strip()
        earlier.save(update_fields=["on", "note"])
        outcome = earlier
    else:
        before = None
        outcome = FundOutcome.objects.create(
            trainee=trainee, org_path=project.org_path, kind=kind, on=on, note=note.strip()
        )
    _bump(project, on.year, **{kind: 1})
    record_event(
        actor=by,
        action="outcome",
        object_type="fund_trainee",
        object_id=trainee.pk,
        org_path=project.org_path,
        client_ip=client_ip,
        before=before,
        after={"kind": kind, "on": str(on), "note": outcome.note},
    )
    return outcome


# --- reads ----------------------------------------------------------------------------------


def fund_projects_visible_to(user) -> QuerySet[FundProject]:
    """Projects funded by orgs in the user's subtree (nothing above or beside it)."""
    return FundProject.objects.visible_to(user).select_related("org", "employer")


def fund_projects_listed(user, *, org_code: str | None = None) -> QuerySet[FundProject]:
    """The user's projects (of ``org_code``'s subtree when given; 404 outside the user's),
    each with ``n_trainees``."""
    rows = fund_projects_visible_to(user)
    if org_code:
        rows = rows.under(org_for(user, org_code).path)
    return rows.annotate(n_trainees=Count("trainees"))


def fund_project_for(user, pk: int) -> FundProject:
    try:
        return fund_projects_visible_to(user).get(pk=pk)
    except FundProject.DoesNotExist:
        raise Http404 from None


def trainees_of(project: FundProject) -> list[FundTrainee]:
    """The project's trainees (a project the caller already holds), each with ``results``:
    outcome kind → outcome."""
    rows = list(
        project.trainees.select_related("worker__org").prefetch_related("outcomes").order_by("id")
    )
    for row in rows:
        row.results = {o.kind: o for o in row.outcomes.all()}
    return rows


def trainee_for(user, pk: int) -> FundTrainee:
    try:
        return FundTrainee.objects.visible_to(user).select_related("project", "worker").get(pk=pk)
    except FundTrainee.DoesNotExist:
        raise Http404 from None


def spendings_of(project: FundProject) -> QuerySet[FundSpending]:
    return project.spendings.select_related("recorded_by").order_by("spent_on", "id")
