"""The audit log as a hash chain: an edited, inserted or deleted event is found.

Each event stores ``prev_hash`` (the previous event's ``hash``, in id order) and ``hash`` =
HMAC-SHA256(key, prev_hash + the event's content). The key is derived from
``GONGHUI_FIELD_KEY`` (``core.crypto.derived_key``), which is never in the database or its
backups: someone who can write to the database but does not hold the key cannot compute
the hash of a changed or made-up event, nor re-link the chain around a removed one. (A
plain SHA-256 chain could be recomputed by that someone from the edited row onwards.)
Changing the field key therefore needs the chain re-sealed, as it needs the numbers
re-encrypted.

Appending locks the chain's head row (``AuditChain``, pk 1) for the rest of the writer's
transaction: ``SELECT … FOR UPDATE`` on PostgreSQL, and on SQLite the IMMEDIATE transaction
already holds the database's one write lock. Two writers can therefore never extend the same
event; ids are drawn while the lock is held, so id order is chain order.

``verify`` streams the events in id order (``iterator``, so a million rows stay in constant
memory) from the latest purge checkpoint and reports the first break; ``purge`` removes a
prefix of the chain older than the retention and leaves an ``AuditCheckpoint`` from which the
rest still verifies.
"""

import datetime
import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gonghui.audit.models import AuditChain, AuditCheckpoint, AuditEvent
from gonghui.core.crypto import derived_key
from gonghui.core.errors import DomainError
from gonghui.core.plain_insert import insert_one

GENESIS = "0" * 64
HEAD = 1
KEY_LABEL = "gonghui/audit-chain"
# The columns an event's hash covers, in this order (its id is the chain's order, not content).
CONTENT = (
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "org_path",
    "before",
    "after",
    "client_ip",
)


def _canonical(values: Iterable) -> bytes:
    at, actor_id, actor_name, action, object_type, object_id, org_path, before, after, ip = values
    # The moment in UTC to the microsecond and the address in its one written form, as both
    # databases give them back; JSON with sorted keys, as PostgreSQL's jsonb reorders them.
    at_text = at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    ip_text = _address(ip) if ip else ""
    row = [at_text, actor_id, actor_name, action, object_type, object_id, org_path, before, after]
    return json.dumps(
        [*row, ip_text], sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()


@lru_cache(maxsize=65536)
def _address(ip: str) -> str:
    # Cached: a log holds few distinct addresses, and parsing one costs more than its hash.
    return ipaddress.ip_address(ip).compressed


def chain_hash(key: bytes, prev: str, values: Iterable) -> str:
    """HMAC-SHA256 of ``prev`` and an event's ``CONTENT`` values, in hex."""
    return hmac.new(key, prev.encode() + b"\n" + _canonical(values), hashlib.sha256).hexdigest()


def _content(event: AuditEvent) -> list:
    return [getattr(event, name) for name in CONTENT]


def _lock_head() -> str:
    """The head's hash, locked until the caller's transaction ends; a missing head (a fresh
    or flushed database) starts the chain."""
    head = AuditChain.objects.select_for_update().filter(pk=HEAD).values_list("last_hash")
    found = head.first()
    if found is None:
        # Writers that all find no head race to start it: one row wins, the others wait on
        # its key and then lock the row it made (on PostgreSQL; SQLite has one writer).
        AuditChain.objects.bulk_create(
            [AuditChain(pk=HEAD, last_hash=GENESIS)], ignore_conflicts=True
        )
        found = head.first()
    return found[0]


def _move_head(last_hash: str) -> None:
    AuditChain.objects.filter(pk=HEAD).update(last_hash=last_hash)


def seal(events: list[AuditEvent], prev: str) -> str:
    """Link ``events`` (unsaved, in the order they will be stored) after ``prev``; returns
    the last one's hash."""
    key = derived_key(KEY_LABEL)
    for event in events:
        event.prev_hash = prev
        event.hash = prev = chain_hash(key, prev, _content(event))
    return prev


def append(events: list[AuditEvent]) -> None:
    """Store ``events`` at the end of the chain, in order, in the caller's transaction (or a
    transaction of their own)."""
    if not events:
        return
    with transaction.atomic(savepoint=False):
        last = seal(events, _lock_head())
        if len(events) == 1:
            insert_one(events[0])
        else:
            AuditEvent._base_manager.bulk_create(events, batch_size=1000)
        _move_head(last)


class Reservation:
    """The head locked for an event stored as part of a larger statement (a check-in on
    PostgreSQL): ``seal`` the event, then run ``head_statement`` in the same statement,
    gated on the event's row being written. Use inside a transaction. ``also`` is an SQL
    expression selected in the same round trip as the lock (a sequence's next value)."""

    def __init__(self, cursor, *, also: str = "NULL") -> None:
        table = AuditChain._meta.db_table
        cursor.execute(f"SELECT last_hash, {also} FROM {table} WHERE id = %s FOR UPDATE", [HEAD])
        row = cursor.fetchone()
        if row is None:
            self.prev = _lock_head()
            cursor.execute(f"SELECT {also}")
            row = (self.prev, cursor.fetchone()[0])
        self.prev, self.also = row

    def seal(self, event: AuditEvent) -> str:
        return seal([event], self.prev)

    @staticmethod
    def head_statement(last_hash: str, *, written: str) -> tuple[str, list]:
        """The UPDATE of the head, run only when the name ``written`` has a row."""
        table = AuditChain._meta.db_table
        return (
            f"UPDATE {table} SET last_hash = %s WHERE id = %s AND EXISTS (SELECT 1 FROM {written})",
            [last_hash, HEAD],
        )


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold: the event's id (None: after the last one)."""

    event_id: int | None
    reason: str


@dataclass(frozen=True)
class Verdict:
    events: int
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def _checkpoint_mac(key: bytes, last_id: int, last_hash: str, purged_before: datetime.date) -> str:
    message = f"checkpoint\n{last_id}\n{last_hash}\n{purged_before.isoformat()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _rows(upto: int | None = None) -> Iterator[tuple]:
    events = AuditEvent._base_manager.order_by("id")
    if upto is not None:
        events = events.filter(id__lte=upto)
    return events.values_list("id", "prev_hash", "hash", *CONTENT).iterator(chunk_size=5000)


def verify(*, upto: int | None = None) -> Verdict:
    """Check the whole chain (or up to event ``upto``) from the latest checkpoint: the first
    edited, inserted or deleted event, or events missing from the end."""
    key = derived_key(KEY_LABEL)
    expected, after_id = GENESIS, 0
    checkpoint = AuditCheckpoint.objects.order_by("-id").first()
    if checkpoint is not None:
        mac = _checkpoint_mac(
            key, checkpoint.last_id, checkpoint.last_hash, checkpoint.purged_before
        )
        if not hmac.compare_digest(mac, checkpoint.mac):
            return Verdict(0, Break(checkpoint.last_id, "清理检查点被篡改"))
        expected, after_id = checkpoint.last_hash, checkpoint.last_id
    count = 0
    rows = _rows(upto)
    pending = next(rows, None)
    while pending is not None:
        event_id, prev_hash, stored, *content = pending
        pending = next(rows, None)
        count += 1
        if event_id <= after_id:
            return Verdict(count, Break(event_id, "清理检查点之前的位置出现了记录（插入）"))
        sound = hmac.compare_digest(chain_hash(key, prev_hash, content), stored)
        if sound and prev_hash == expected:
            expected = stored
            continue
        if sound:
            return Verdict(count, Break(event_id, "此记录之前有记录被删除（链接断开）"))
        if pending is not None and pending[1] == expected:
            return Verdict(count, Break(event_id, "此记录是插入的（哈希不符，后一条跳过了它）"))
        return Verdict(count, Break(event_id, "此记录被修改（哈希与内容不符）"))
    if upto is None:
        head = AuditChain.objects.filter(pk=HEAD).values_list("last_hash", flat=True).first()
        if (head or GENESIS) != expected:
            return Verdict(count, Break(None, "最后若干条记录被删除（链头与最后一条记录不符）"))
    return Verdict(count, None)


def retention_limit(today: datetime.date | None = None) -> datetime.date:
    """The earliest ``--before`` date a purge may not go past: events from this day on are
    kept (``settings.AUDIT_RETENTION_DAYS``, at least 183)."""
    days = max(settings.AUDIT_RETENTION_DAYS, settings.AUDIT_RETENTION_MIN_DAYS)
    return (today or timezone.localdate()) - datetime.timedelta(days=days)


def purge(*, before: datetime.date, actor_name: str) -> AuditCheckpoint | None:
    """Remove the events dated before ``before`` (a prefix of the chain: everything up to the
    last event ahead of the first one kept) and leave a checkpoint; None when there is none.

    Refused (``DomainError``) when ``before`` is later than the retention allows, or when the
    part to be removed does not verify (removing it would hide the break).
    """
    limit = retention_limit()
    if before > limit:
        raise DomainError(
            "retention",
            f"审计日志须保存至少{settings.AUDIT_RETENTION_DAYS}天：只能清理{limit}之前的记录",
        )
    start = timezone.make_aware(datetime.datetime.combine(before, datetime.time()))
    with transaction.atomic():
        _lock_head()
        events = AuditEvent._base_manager
        first_kept = events.filter(at__gte=start).order_by("id").values_list("id", flat=True)
        cut = first_kept.first()
        purged = events.order_by("-id")
        if cut is not None:
            purged = purged.filter(id__lt=cut)
        last = purged.values_list("id", "hash").first()
        if last is None:
            return None
        verdict = verify(upto=last[0])
        if not verdict.ok:
            assert verdict.broken is not None
            raise DomainError(
                "chain_broken",
                f"审计链在记录{verdict.broken.event_id}处不成立（{verdict.broken.reason}），"
                "不能清理",
            )
        key = derived_key(KEY_LABEL)
        rows, _ = events.filter(id__lte=last[0]).delete()
        return AuditCheckpoint.objects.create(
            purged_before=before,
            last_id=last[0],
            last_hash=last[1],
            rows=rows,
            actor_name=actor_name,
            mac=_checkpoint_mac(key, last[0], last[1], before),
        )


def head_hash() -> str:
    """The hash of the last event: kept outside the database, it shows later whether events
    were removed from the end together with the head."""
    head = AuditChain.objects.filter(pk=HEAD).values_list("last_hash", flat=True).first()
    return head or GENESIS
