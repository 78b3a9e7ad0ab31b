"""Writing audit events; services call this inside their own transaction."""

import datetime
from typing import Any

from django.db import transaction

from gonghui.audit import chain
from gonghui.audit.models import AuditCheckpoint, AuditEvent
from gonghui.core.actors import Actor
from gonghui.core.portal import WorkerActor


def record_event(
    *,
    actor: Actor | WorkerActor | None,
    action: str,
    object_type: str,
    object_id: Any,
    org_path: str,
    before: dict | None = None,
    after: dict | None = None,
    client_ip: str | None = None,
) -> AuditEvent:
    """Append one event. Values must already be masked: the log never holds an ID number.

    Every write calls this inside its transaction, hence the plain INSERT; the event is
    sealed into the hash chain (``audit.chain``), whose head stays locked until that
    transaction ends.
    """
    event = new_event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        org_path=org_path,
        before=before,
        after=after,
        client_ip=client_ip,
    )
    chain.append([event])
    return event


def new_event(
    *,
    actor: Actor | WorkerActor | None,
    action: str,
    object_type: str,
    object_id: Any,
    org_path: str,
    before: dict | None = None,
    after: dict | None = None,
    client_ip: str | None = None,
) -> AuditEvent:
    """The unsaved event ``record_event`` appends, for a write that stores it as part of
    a larger statement (a check-in on PostgreSQL)."""
    return AuditEvent(
        # By id: the audit log lies below ``accounts`` and does not know its User model.
        actor_id=getattr(actor, "pk", None) or None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        org_path=org_path,
        before=before,
        after=after,
        client_ip=client_ip,
    )


@transaction.atomic
def purge_audit_log(*, by: Actor | None, before: datetime.date) -> AuditCheckpoint | None:
    """Remove the events dated before ``before`` if the retention allows it (``DomainError``
    when it does not, or when that part of the chain is broken); the purge itself is the
    first event after the checkpoint it leaves."""
    actor_name = getattr(by, "username", "") or "system"
    checkpoint = chain.purge(before=before, actor_name=actor_name)
    if checkpoint is not None:
        record_event(
            actor=by,
            action="audit_purge",
            object_type="audit_checkpoint",
            object_id=checkpoint.pk,
            org_path="410000/",  # the province's: the log is the province's to keep
            after={
                "before": before.isoformat(),
                "rows": checkpoint.rows,
                "last_id": checkpoint.last_id,
            },
        )
    return checkpoint
