"""The audit log as a hash chain: an edited, inserted or deleted event is found.

Each event stores ``prev_hash`` (the previous event's ``hash``, in id order) and ``hash`` =
HMAC-SHA256(key, prev_hash + the event's content). The key is derived from the field key
(the first of ``GONGHUI_FIELD_KEYS``), which is never in the database or its backups:
someone who can write to the database but does not hold the key cannot compute the hash of
a changed or made-up event, nor re-link the chain around a removed one. (A plain SHA-256
chain could be recomputed by that someone from the edited row onwards.)

A field key rotation (``gonghui keys rotate``) re-seals the chain, since the old key is
then dropped from the ring and with it the means to check the events hashed under it.
Rewriting those hashes would change every later link up to the head while the server
appends, so the hashes stay as they are (they remain the chain's links) and ``reseal``
instead stores beside each such event an ``AuditSeal``: HMAC under the current key of the
event's link, hash and content. It first verifies the chain under the ring that still
holds the old key and seals nothing of a broken chain, so a seal vouches only for what was
sound; afterwards an event verifies by its hash under any ring key or by its seal, and an
event edited (or a seal removed or moved) after the rotation is still found, by its id.
Purge checkpoints are re-signed the same way. Events appended during the rotation are
hashed under the new key already; the pass skips what is current, so an interrupted run
is resumed by running it again.

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
from functools import cache, lru_cache

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from gonghui.audit.models import AuditChain, AuditCheckpoint, AuditEvent, AuditSeal
from gonghui.core.errors import DomainError
from gonghui.core.keys import field_key_bytes
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


def _keys() -> tuple[bytes, ...]:
    """The chain key of every field key in the ring, the current one (which seals) first."""
    return tuple(_chain_key(master.strip()) for master in settings.FIELD_KEYS if master.strip())


@cache
def _chain_key(master: str) -> bytes:
    return hmac.new(field_key_bytes(master), KEY_LABEL.encode(), hashlib.sha256).digest()


def _seal_mac(key: bytes, prev: str, stored: str, content: Iterable) -> str:
    # A prefix no real link has (a link is 64 hex digits), so a seal is never a chain hash.
    return chain_hash(key, f"reseal\n{prev}\n{stored}", content)


def _vouched(key: bytes, prev: str, stored: str, seal: str | None, content: list) -> bool:
    if seal is not None and hmac.compare_digest(_seal_mac(key, prev, stored, content), seal):
        return True
    return hmac.compare_digest(chain_hash(key, prev, content), stored)


def _sound(keys: tuple[bytes, ...], prev: str, stored: str, seal: str | None, content) -> bool:
    """Whether an event's hash (or its seal) holds under one of ``keys``."""
    return any(_vouched(key, prev, stored, seal, content) for key in keys)


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
    key = _keys()[0]
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


def _events():
    """(id, prev_hash, hash, seal's mac or None, *CONTENT) of every event, in id order."""
    seal = AuditSeal.objects.filter(event_id=OuterRef("id")).values("mac")[:1]
    events = AuditEvent._base_manager.order_by("id").annotate(seal=Subquery(seal))
    return events.values_list("id", "prev_hash", "hash", "seal", *CONTENT)


def _rows(upto: int | None = None) -> Iterator[tuple]:
    events = _events()
    if upto is not None:
        events = events.filter(id__lte=upto)
    return events.iterator(chunk_size=5000)


def _checkpoint_holds(keys: tuple[bytes, ...], checkpoint: AuditCheckpoint) -> bool:
    return any(
        hmac.compare_digest(
            _checkpoint_mac(
                key, checkpoint.last_id, checkpoint.last_hash, checkpoint.purged_before
            ),
            checkpoint.mac,
        )
        for key in keys
    )


def verify(*, upto: int | None = None) -> Verdict:
    """Check the whole chain (or up to event ``upto``) from the latest checkpoint: the first
    edited, inserted or deleted event, or events missing from the end."""
    keys = _keys()
    expected, after_id = GENESIS, 0
    checkpoint = AuditCheckpoint.objects.order_by("-id").first()
    if checkpoint is not None:
        if not _checkpoint_holds(keys, checkpoint):
            return Verdict(0, Break(checkpoint.last_id, "清理检查点被篡改"))
        expected, after_id = checkpoint.last_hash, checkpoint.last_id
    count = 0
    rows = _rows(upto)
    pending = next(rows, None)
    while pending is not None:
        event_id, prev_hash, stored, seal, *content = pending
        pending = next(rows, None)
        count += 1
        if event_id <= after_id:
            return Verdict(count, Break(event_id, "清理检查点之前的位置出现了记录（插入）"))
        sound = _sound(keys, prev_hash, stored, seal, content)
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
        key = _keys()[0]
        rows, _ = events.filter(id__lte=last[0]).delete()
        AuditSeal.objects.filter(event_id__lte=last[0]).delete()
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


def reseal(*, batch: int = 1000) -> int:
    """Vouch for every event not hashed under the current field key with an ``AuditSeal``
    under it, and re-sign the purge checkpoints; returns how many events were sealed.

    Run while the ring still holds the key(s) the chain was hashed under (``gonghui keys
    rotate`` calls it). Refused (``DomainError``) when the chain does not verify: sealing a
    broken chain would make the break pass for sound once the old key is gone.
    """
    # Up to the last event now: the server may append meanwhile, and the head read after
    # the events would then be ahead of them. Later events are checked one by one below.
    last = AuditEvent._base_manager.order_by("-id").values_list("id", flat=True).first()
    verdict = verify(upto=last or 0)
    if not verdict.ok:
        assert verdict.broken is not None
        raise DomainError(
            "chain_broken",
            f"审计链在记录{verdict.broken.event_id}处不成立（{verdict.broken.reason}），不能重签",
        )
    keys = _keys()
    current = keys[0]
    sealed, last_id = 0, 0
    while chunk := list(_events().filter(id__gt=last_id)[:batch]):
        last_id = chunk[-1][0]
        seals = []
        for event_id, prev_hash, stored, seal, *content in chunk:
            if _vouched(current, prev_hash, stored, seal, content):
                continue
            if not _sound(keys, prev_hash, stored, seal, content):  # changed since verify
                raise DomainError("chain_broken", f"审计链在记录{event_id}处不成立，不能重签")
            seals.append(
                AuditSeal(event_id=event_id, mac=_seal_mac(current, prev_hash, stored, content))
            )
        AuditSeal.objects.bulk_create(
            seals, update_conflicts=True, unique_fields=["event_id"], update_fields=["mac"]
        )
        sealed += len(seals)
    for checkpoint in AuditCheckpoint.objects.order_by("id"):
        if _checkpoint_holds(keys, checkpoint):
            mac = _checkpoint_mac(
                current, checkpoint.last_id, checkpoint.last_hash, checkpoint.purged_before
            )
            AuditCheckpoint.objects.filter(pk=checkpoint.pk, mac=checkpoint.mac).update(mac=mac)
    return sealed
