"""The one scope cut: every model's ``visible_to(user)`` starts here.

Rows carry (or reach) an org path; a user sees the rows whose path starts
with their org's path, and nothing when they have no scope (anonymous, no
org, or a role that may not browse).
"""

from django.db import models

from gonghui.core.errors import PermissionDenied


class ScopedQuerySet(models.QuerySet):
    """``visible_to``: rows whose ``scope_field`` path lies in the user's subtree."""

    scope_field = "org_path"

    def visible_to(self, user):
        path = getattr(user, "scope_path", None)
        if not path:
            return self.none()
        return self.filter(**{f"{self.scope_field}__startswith": path})


def subtree_index(name: str) -> models.Index:
    """The one index a busy table needs on ``org_path``, in place of ``db_index=True``.

    ``visible_to`` reads a subtree with ``LIKE 'path%'``, which on PostgreSQL only a
    ``varchar_pattern_ops`` index serves; that index serves equality too, so the plain
    b-tree Django adds beside it for ``db_index=True`` is one more write per inserted
    row that no read uses. Elsewhere the opclass is ignored and this is a plain index.
    """
    return models.Index(fields=["org_path"], name=name, opclasses=["varchar_pattern_ops"])


def require_in_scope(user, permission: str, path: str) -> None:
    """The user holds ``permission`` and ``path`` lies in their subtree, or ``PermissionDenied``."""
    if not user.can(permission) or not path.startswith(user.scope_path or "\0"):
        raise PermissionDenied("forbidden", "无权在该组织办理此项业务")
