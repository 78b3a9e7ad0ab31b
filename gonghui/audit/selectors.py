from django.db.models import QuerySet

from gonghui.audit.models import AuditEvent
from gonghui.core.actors import Actor
from gonghui.core.errors import PermissionDenied


def audit_events_visible_to(user: Actor, *, action: str | None = None) -> QuerySet[AuditEvent]:
    """The audit log of the user's subtree; only roles with ``view_audit``."""
    if not user.can("view_audit"):
        raise PermissionDenied("forbidden", "无权查看审计日志")
    events = AuditEvent.objects.visible_to(user).select_related(None)
    if action:
        events = events.filter(action=action)
    return events
