"""Offline uploads: check-ins a service point took without a network, sent later as a batch.

An upload is a list of facts ("this card was scanned here at 07:12"), so the
contract is per item: each one is recorded, recognised as already uploaded,
reported as a duplicate of an earlier item in the same batch, or refused with
the precise reason; one refusal never loses the others. Every item goes
through ``services.record_service``, the one door for a service record.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from gonghui.audit.services import record_event
from gonghui.core.errors import DomainError
from gonghui.members.cards import read_card_token_at
from gonghui.members.selectors import mask_name, worker_for_service
from gonghui.programs.models import Channel, Program, ServicePoint
from gonghui.programs.services import ServiceRefused, period_key, record_service

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = datetime.timedelta(minutes=5)

RECORDED, REPEATED, DUPLICATE, REFUSED = "recorded", "repeated", "duplicate", "refused"


@dataclass(frozen=True)
class OfflineItem:
    served_at: datetime.datetime
    request_id: str
    token: str | None = None
    worker_id: int | None = None  # typed in without a card: a manual record, officers only


@dataclass
class ItemOutcome:
    index: int
    request_id: str
    outcome: str
    code: str = ""
    message: str = ""
    masked_name: str = ""
    record_id: int | None = None
    duplicate_of: int | None = None


@dataclass
class BatchReport:
    items: list[ItemOutcome] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for item in self.items if item.outcome == outcome)

    @property
    def recorded(self) -> int:
        return self.count(RECORDED)

    @property
    def repeated(self) -> int:
        return self.count(REPEATED)

    @property
    def duplicates(self) -> int:
        return self.count(DUPLICATE)

    @property
    def refused(self) -> int:
        return self.count(REFUSED)


@transaction.atomic
def upload_offline_batch(
    *,
    by,
    point: ServicePoint,
    program: Program,
    items: list[OfflineItem],
    client_ip: str | None = None,
) -> BatchReport:
    """Record each item of an offline batch taken at ``point`` for ``program``.

    Idempotent per item ``request_id``: uploading the same batch again reports
    every earlier item as ``repeated`` and records nothing twice. Within a
    batch, a second item for the same worker and frequency window (or with
    the same request id) is a ``duplicate`` and is not counted. Raises
    ``PermissionDenied`` (nothing recorded) when ``by`` may not record at
    ``point``.
    """
    report = BatchReport()
    by_request: dict[str, int] = {}
    by_window: dict[tuple[int, str], int] = {}
    now = timezone.now()
    for index, item in enumerate(items):
        outcome = ItemOutcome(index=index, request_id=item.request_id, outcome=REFUSED)
        report.items.append(outcome)
        if item.request_id in by_request:
            outcome.outcome, outcome.duplicate_of = DUPLICATE, by_request[item.request_id]
            outcome.code, outcome.message = (
                "duplicate",
                f"与本批第{by_request[item.request_id] + 1}条请求编号相同",
            )
            continue
        by_request[item.request_id] = index
        served_at = item.served_at
        if timezone.is_naive(served_at):
            served_at = timezone.make_aware(served_at)
        try:
            worker_id, channel = _worker_of(by, item, served_at, now)
        except DomainError as refusal:
            outcome.code, outcome.message = refusal.code, refusal.message
            continue
        worker = worker_for_service(worker_id, within_path=program.org_path)
        outcome.masked_name = mask_name(worker.name) if worker else ""
        window = (worker_id, period_key(program.frequency, timezone.localdate(served_at)))
        if window in by_window:
            first = by_window[window]
            outcome.outcome, outcome.duplicate_of = DUPLICATE, first
            outcome.code, outcome.message = "duplicate", f"与本批第{first + 1}条是同一职工同一周期"
            continue
        try:
            with transaction.atomic():
                served = record_service(
                    by=by,
                    program=program,
                    worker=worker,
                    point=point,
                    channel=channel,
                    served_at=served_at,
                    request_id=item.request_id,
                    client_ip=client_ip,
                )
        except ServiceRefused as refusal:
            outcome.code, outcome.message = refusal.code, refusal.message
            continue
        by_window[window] = index
        outcome.outcome = REPEATED if served.repeated else RECORDED
        outcome.record_id = served.record.pk
    record_event(
        actor=by,
        action="upload_offline",
        object_type="service_point",
        object_id=point.pk,
        org_path=point.org_path,
        client_ip=client_ip,
        after={
            "program": program.pk,
            "items": len(items),
            "recorded": report.recorded,
            "repeated": report.repeated,
            "duplicates": report.duplicates,
            "refused": report.refused,
        },
    )
    return report


def _worker_of(
    by, item: OfflineItem, served_at: datetime.datetime, now: datetime.datetime
) -> tuple[int, str]:
    if served_at > now + CLOCK_SKEW:
        raise DomainError("served_at_in_future", "服务时间晚于当前时间，请核对手机时间")
    if item.token:
        skew = int(CLOCK_SKEW.total_seconds())
        return read_card_token_at(item.token, served_at, skew_seconds=skew), Channel.SCAN
    if item.worker_id is None:
        raise DomainError("card_invalid", "该条既没有二维码也没有职工编号")
    if not by.can("record_services"):
        # Point staff prove the worker was there with the card; only officers type ids.
        raise DomainError("card_required", "服务点核销须扫描职工工会卡二维码")
    return item.worker_id, Channel.MANUAL
