"""Every write to programs: set-up, service records (check-in, manual, import), voids.

``record_service`` is the one door for a service record. It checks the
program, the point and the worker's eligibility, relies on the database's
unique constraint for the frequency limit (so concurrent check-ins cannot
both win), spends the budget with a conditional update, and keeps the
rollups and the audit log in the same transaction.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.audit.services import new_event, record_event
from gonghui.audit.workflow import four_eyes_refusal
from gonghui.core.audited import service
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.money import yuan_text
from gonghui.core.scoping import in_scope, require_in_scope
from gonghui.members.cards import read_card_token
from gonghui.members.categories import category_names
from gonghui.members.models import Worker
from gonghui.members.selectors import mask_name, worker_birth_date, worker_for_service
from gonghui.orgs.models import Org
from gonghui.programs import budget, rollups
from gonghui.programs.models import (
    Channel,
    Frequency,
    Program,
    ServicePoint,
    ServiceRecord,
    WhenExhausted,
)
from gonghui.programs.record_store import store_record
from gonghui.programs.selectors import PointFacts, point_facts


class ServiceRefused(DomainError):
    """A precise refusal: ``code`` for machines, ``message`` for the person at the counter."""

    status = 409
    masked_name = ""


@transaction.atomic
def create_program(
    *,
    by: User,
    org: Org,
    name: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    frequency: str,
    categories: int = 0,
    min_age: int | None = None,
    max_age: int | None = None,
    members_only: bool = False,
    unit_cost_fen: int = 0,
    budget_fen: int | None = None,
    when_exhausted: str = WhenExhausted.REFUSE,
    report_line: str = "",
    **policy,
) -> Program:
    """A program run by ``org`` in its subtree; ``policy`` holds the insurance fields;
    ``report_line`` is the report card's line its figures count in (none by default)."""
    require_in_scope(by, "manage_programs", org.path)
    program = Program(
        org=org,
        org_path=org.path,
        name=name,
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        frequency=frequency,
        categories=categories,
        min_age=min_age,
        max_age=max_age,
        members_only=members_only,
        unit_cost_fen=unit_cost_fen,
        budget_fen=budget_fen,
        budget_set_by=by,
        when_exhausted=when_exhausted,
        report_line=report_line,
        **policy,
    )
    program.full_clean()
    program.save()
    budget.open_budget(program)
    record_event(
        actor=by,
        action="create",
        object_type="program",
        object_id=program.pk,
        org_path=org.path,
        after={"name": name, "kind": kind, "frequency": frequency},
    )
    return program


@transaction.atomic
@service
@transaction.atomic
def change_budget(
    *,
    by: User,
    program: Program,
    budget_fen: int | None,
    reason: str,
    client_ip: str | None = None,
) -> Program:
    """Set a programme's budget (None: no budget), never below what it has spent; the slots'
    allotments are shared out again in the same transaction.

    Four eyes (``settings.FOUR_EYES``): whoever set the budget now in force (the organiser
    at creation, or the last change) cannot change it again; another manager must.
    """
    require_in_scope(by, "manage_programs", program.org_path)
    refusal = four_eyes_refusal(
        by=by, earlier=(program.budget_set_by_id,), what="修改预算", because="设定现行预算"
    )
    if refusal is not None:
        raise refusal
    if not reason.strip():
        raise DomainError("reason_required", "修改预算须填写理由", field="reason")
    if budget_fen is not None and budget_fen < 0:
        raise DomainError("bad_amount", "预算不能为负数", field="budget_fen")
    before = program.budget_fen
    spent = budget.change(program, budget_fen)
    if spent is not None:
        raise DomainError(
            "below_spent", f"预算不能低于已支出的{yuan_text(spent)}元", field="budget_fen"
        )
    # Conditional on the budget read: of two changes made at once, the second is refused.
    updated = Program.objects.filter(pk=program.pk, budget_fen=before).update(
        budget_fen=budget_fen, budget_set_by=by
    )
    if not updated:
        raise DomainError("stale_budget", "预算已被他人修改，请刷新后再试")
    program.budget_set_by = by
    record_event(
        actor=by,
        action="change_budget",
        object_type="program",
        object_id=program.pk,
        org_path=program.org_path,
        client_ip=client_ip,
        before={"budget_fen": before},
        after={"budget_fen": budget_fen, "reason": reason.strip()},
    )
    return program


def create_service_point(
    *,
    by: User,
    org: Org,
    name: str,
    address: str = "",
    programs: Sequence[Program] = (),
    staff: Sequence[User] = (),
) -> ServicePoint:
    require_in_scope(by, "manage_programs", org.path)
    for program in programs:
        if not org.path.startswith(program.org_path):
            raise DomainError("point_outside_program", f"服务点不在项目“{program.name}”的范围内")
    point = ServicePoint.objects.create(org=org, org_path=org.path, name=name, address=address)
    point.programs.set(programs)
    point.staff.set(staff)
    record_event(
        actor=by,
        action="create",
        object_type="service_point",
        object_id=point.pk,
        org_path=org.path,
        after={"name": name, "programs": [p.pk for p in programs]},
    )
    return point


def period_key(frequency: str, day: datetime.date) -> str:
    if frequency == Frequency.DAILY:
        return day.isoformat()
    if frequency == Frequency.YEARLY:
        return str(day.year)
    return ""


def _age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def check_eligibility(program: Program, worker: Worker | None, day: datetime.date) -> None:
    """Raise ``ServiceRefused`` naming the first rule the worker does not meet."""
    if not program.is_active or not (program.starts_on <= day <= program.ends_on):
        raise ServiceRefused(
            "program_inactive",
            f"“{program.name}”不在服务期内（{program.starts_on}至{program.ends_on}）",
        )
    if worker is None or not worker.org_path.startswith(program.org_path):
        raise ServiceRefused("not_eligible", f"该职工不在“{program.name}”的服务范围内")
    if program.categories and not worker.categories & program.categories:
        allowed = "、".join(category_names(program.categories))
        raise ServiceRefused("not_eligible", f"本项目仅限{allowed}")
    if program.min_age is not None or program.max_age is not None:
        # The birth date is read from the ID's ciphertext only for programmes with an age rule.
        age = _age_on(worker_birth_date(worker), day)
        if program.min_age is not None and age < program.min_age:
            raise ServiceRefused(
                "not_eligible", f"本项目限{program.min_age}周岁以上，该职工{age}周岁"
            )
        if program.max_age is not None and age > program.max_age:
            raise ServiceRefused(
                "not_eligible", f"本项目限{program.max_age}周岁以下，该职工{age}周岁"
            )
    if program.members_only and not worker.is_member:
        raise ServiceRefused("not_eligible", "本项目仅限工会会员")


def _already_served(program: Program, worker: Worker, key: str) -> ServiceRefused:
    earlier = (
        ServiceRecord.objects.filter(program=program, worker=worker, period_key=key, voided=False)
        .select_related("point", "org")
        .first()
    )
    if earlier is None:  # voided between the conflict and this read
        return ServiceRefused("already_served", "该职工本期已享受过本项目，请稍后重试")
    where = earlier.point.name if earlier.point else earlier.org.name
    served = timezone.localtime(earlier.served_at)
    if program.frequency == Frequency.DAILY:
        window = "今天" if earlier.served_on == timezone.localdate() else f"{earlier.served_on}"
    elif program.frequency == Frequency.YEARLY:
        window = f"{earlier.served_on.year}年"
    else:
        window = ""
    return ServiceRefused(
        "already_served", f"{window}已在{where}享受过本项目（{served:%Y-%m-%d %H:%M}）"
    )


@dataclass
class Served:
    record: ServiceRecord
    masked_name: str
    repeated: bool = False  # an idempotent replay of an earlier request


def record_service(
    *,
    by: User,
    program: Program,
    worker: Worker | None,
    point: ServicePoint | None = None,
    channel: str = Channel.MANUAL,
    served_at: datetime.datetime | None = None,
    quantity: int = 1,
    amount_fen: int | None = None,
    request_id: str | None = None,
    client_ip: str | None = None,
    facts: PointFacts | None = None,
) -> Served:
    """Record one service, or raise ``ServiceRefused`` with the precise reason.

    Idempotent per ``request_id``: the same request again returns the first
    record. The delivering org is the point's org (or the worker's union for
    records without a point).

    This is the hot path of every breakfast shop's morning, so it asks the
    database as little as it can: one read for the point's facts (none when the
    caller read them with the point, ``facts``), then the writes, which are one
    statement on PostgreSQL (``record_store``); an earlier request with the same
    id is looked for only when the service is refused or the insert collides,
    where a replay would end up.
    """
    served_at = served_at or timezone.now()
    day = timezone.localdate(served_at)
    try:
        _may_record(by, point, worker, program, facts)
        check_eligibility(program, worker, day)
        assert worker is not None  # check_eligibility refuses a missing worker
        amount = program.unit_cost_fen * quantity if amount_fen is None else amount_fen
        key = period_key(program.frequency, day)
        org_id, org_path = (
            (point.org_id, point.org_path) if point else (worker.org_id, worker.org_path)
        )
        record = ServiceRecord(
            program=program,
            worker=worker,
            point=point,
            org_id=org_id,
            org_path=org_path,
            served_at=served_at,
            served_on=day,
            period_key=key,
            quantity=quantity,
            amount_fen=amount,
            channel=channel,
            request_id=request_id,
            recorded_by=by,
        )
        event = new_event(
            actor=by,
            action="serve",
            object_type="service_record",
            object_id="",
            org_path=org_path,
            client_ip=client_ip,
            after={
                "program": program.pk,
                "worker": worker.pk,
                "day": day.isoformat(),
                "amount_fen": amount,
                "channel": channel,
            },
        )
        while True:
            try:
                if store_record(record, event=event, program=program):
                    return Served(record, mask_name(worker.name))
            except IntegrityError:
                raise _already_served(program, worker, key) from None
            # The worker's slot could not pay and nothing was written: top the slot up on
            # its own, then store again. A lost round means another check-in spent from
            # this slot since the top-up, so the money left shrinks every round: the loop
            # ends in a record or budget_exhausted.
            if not budget.top_up(program, worker_id=worker.pk, amount=amount):
                raise ServiceRefused("budget_exhausted", f"“{program.name}”预算已用完")
    except ServiceRefused:
        earlier = _earlier_request(program, request_id)
        if earlier is not None:
            return Served(earlier, mask_name(earlier.worker.name), repeated=True)
        raise


def _earlier_request(program: Program, request_id: str | None) -> ServiceRecord | None:
    if not request_id:
        return None
    return (
        ServiceRecord.objects.filter(program=program, request_id=request_id)
        .select_related("worker")
        .first()
    )


def _may_record(
    by: User,
    point: ServicePoint | None,
    worker: Worker | None,
    program: Program,
    facts: PointFacts | None,
) -> None:
    """Point staff record at their own points; officers at points or for workers in their
    subtree; and a point records only the programs it offers."""
    if point is None:
        if by.can("record_services") and (worker is None or in_scope(by, worker.org_path)):
            return
        raise PermissionDenied("forbidden", "无权为该职工登记服务")
    if facts is None:
        facts = point_facts(point_id=point.pk, program_id=program.pk, user_id=by.pk)
    if not (by.can("checkin") and facts.staffed) and not (
        by.can("record_services") and in_scope(by, point.org_path)
    ):
        raise PermissionDenied("forbidden", "您不是该服务点的核销人员")
    if not facts.offered:
        raise ServiceRefused("point_not_in_program", f"{point.name}不提供“{program.name}”")


@service
@transaction.atomic
def void_record(
    *, by: User, record: ServiceRecord, reason: str, client_ip: str | None = None
) -> ServiceRecord:
    """Void a record (never delete): the person-time, amount and budget are given back."""
    require_in_scope(by, "manage_programs", record.org_path)
    if not reason.strip():
        raise DomainError("reason_required", "作废须填写原因", field="reason")
    updated = ServiceRecord.objects.filter(pk=record.pk, voided=False).update(
        voided=True, voided_at=timezone.now(), voided_by=by, void_reason=reason.strip()
    )
    if not updated:
        raise DomainError("already_voided", "该记录已作废")
    record.refresh_from_db()
    budget.give_back(record.program_id, worker_id=record.worker_id, amount=record.amount_fen)
    rollups.bump(record, sign=-1)
    record_event(
        actor=by,
        action="void",
        object_type="service_record",
        object_id=record.pk,
        org_path=record.org_path,
        client_ip=client_ip,
        before={"voided": False},
        after={"voided": True, "reason": reason.strip()},
    )
    return record


def read_card(token: str) -> int:
    """The worker id on a scanned (or typed) card token, or ``ServiceRefused`` card_expired /
    card_invalid."""
    try:
        return read_card_token(token)
    except DomainError as exc:
        raise ServiceRefused(exc.code, exc.message) from None


def check_in(
    *,
    by: User,
    point: ServicePoint,
    program: Program,
    token: str,
    request_id: str | None = None,
    client_ip: str | None = None,
) -> Served:
    """A scanned (or typed) card token at a service point; refusals carry the masked name."""
    worker = worker_for_service(read_card(token), within_path=program.org_path)
    return serve_cardholder(
        by=by,
        point=point,
        program=program,
        worker=worker,
        request_id=request_id,
        client_ip=client_ip,
    )


def serve_cardholder(
    *,
    by: User,
    point: ServicePoint,
    program: Program,
    worker: Worker | None,
    facts: PointFacts | None = None,
    request_id: str | None = None,
    client_ip: str | None = None,
) -> Served:
    """Record the service to a card's holder (None: not in the program's subtree) at a
    point; refusals carry the masked name. ``facts``, when read with the point, save
    ``record_service`` asking for them."""
    try:
        return record_service(
            by=by,
            program=program,
            worker=worker,
            point=point,
            channel=Channel.SCAN,
            request_id=request_id,
            client_ip=client_ip,
            facts=facts,
        )
    except ServiceRefused as refusal:
        refusal.masked_name = mask_name(worker.name) if worker else ""
        raise
