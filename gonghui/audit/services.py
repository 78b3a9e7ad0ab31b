"""Writing audit events; services call this inside their own transaction."""

from typing import Any

from gonghui.audit.models import AuditEvent
from gonghui.core.actors import Actor
from gonghui.core.plain_insert import insert_one
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

    Every write calls this inside its transaction, hence the plain INSERT.
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
    insert_one(event)
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
