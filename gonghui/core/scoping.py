"""The one scope cut: every read's ``visible_to(user)`` and every write's scope check.

Rows carry (or reach) an org path; a user sees the rows whose path starts
with their org's path, and nothing when they have no scope (anonymous, no
org, or a role that may not browse). Programmes, plans, classes and contests run
by a federation serve its whole subtree, so those are also seen from below
(``here_or_above``). Nothing else in the project compares org paths with a
user's scope: a test fails on ``org_path__subtree`` outside this module,
selectors and rollups.
"""

from collections.abc import Collection
from typing import Self

from django.db import models
from django.db.models import Q
from django.db.models.lookups import StartsWith

from gonghui.core.actors import Actor
from gonghui.core.errors import PermissionDenied


@models.CharField.register_lookup
class Subtree(StartsWith):
    """``org_path__subtree=path``: the rows under ``path``, the one way paths are compared.

    PostgreSQL answers it as ``LIKE 'path%'`` from the ``varchar_pattern_ops`` index
    (``subtree_index``). SQLite's LIKE ignores ASCII case and so never uses an index: a
    county's figures scanned the whole of a province's rollup. There it is the same set
    as a range, ``path <= org_path < successor(path)``, which the plain index serves.

    The range of a whole tree (a province, ``410000/``) holds every row, where an index on
    the path only adds a lookup per row; there the path is written ``+org_path``, which
    SQLite reads as "no index for this term", so it picks an index that serves the rest
    of the query.
    """

    lookup_name = "subtree"

    def as_sql(self, compiler, connection):
        return StartsWith(self.lhs, self.rhs).as_sql(compiler, connection)

    def as_sqlite(self, compiler, connection):
        if not isinstance(self.rhs, str) or not self.rhs:
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if self.rhs.count("/") == 1:
            lhs = f"+{lhs}"
        above = self.rhs[:-1] + chr(ord(self.rhs[-1]) + 1)
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, self.rhs, *lhs_params, above]


def scope_of(user: Actor) -> str | None:
    """The user's subtree path, or None for anyone without one."""
    return getattr(user, "scope_path", None) or None


def in_scope(user: Actor, path: str) -> bool:
    """``path`` lies in the user's subtree (never for a user without one)."""
    scope = scope_of(user)
    return scope is not None and path.startswith(scope)


def ancestor_paths(path: str) -> list[str]:
    """The path of every org from the province down to and including ``path``'s own."""
    return [path[: i + 1] for i, ch in enumerate(path) if ch == "/"]


def here_or_above(user: Actor, path: str) -> bool:
    """``path`` lies in the user's subtree or is an org above the user's."""
    scope = scope_of(user)
    return scope is not None and (path.startswith(scope) or scope.startswith(path))


class ScopedQuerySet(models.QuerySet):
    """``visible_to``: rows whose ``scope_field`` path lies in the user's subtree."""

    scope_field = "org_path"

    def visible_to(self, user: Actor) -> Self:
        path = scope_of(user)
        if path is None:
            return self.none()
        return self.filter(**{f"{self.scope_field}__subtree": path})

    def here_or_above(self, user: Actor) -> Self:
        """Rows of the user's subtree and of the orgs above the user's, whose services
        the user's workers take part in."""
        path = scope_of(user)
        if path is None:
            return self.none()
        return self.filter(
            Q(**{f"{self.scope_field}__subtree": path})
            | Q(**{f"{self.scope_field}__in": ancestor_paths(path)})
        )

    def under(self, path: str) -> Self:
        """The rows of one org's subtree: a drill-down inside rows already cut to a scope."""
        return self.filter(**{f"{self.scope_field}__subtree": path})


def subtree_index(name: str) -> models.Index:
    """The one index a busy table needs on ``org_path``, in place of ``db_index=True``.

    ``visible_to`` reads a subtree with ``LIKE 'path%'``, which on PostgreSQL only a
    ``varchar_pattern_ops`` index serves; that index serves equality too, so the plain
    b-tree Django adds beside it for ``db_index=True`` is one more write per inserted
    row that no read uses. Elsewhere the opclass is ignored and this is a plain index.
    """
    return models.Index(fields=["org_path"], name=name, opclasses=["varchar_pattern_ops"])


def require_in_scope(
    user: Actor, permission: str, path: str, message: str = "无权在该组织办理此项业务"
) -> None:
    """The user holds ``permission`` and ``path`` lies in their subtree, or ``PermissionDenied``."""
    if not user.can(permission) or not in_scope(user, path):
        raise PermissionDenied("forbidden", message)


def require_role_in_scope(user: Actor, roles: Collection[str], path: str, message: str) -> None:
    """The user's role is one of ``roles`` and ``path`` lies in their subtree, or
    ``PermissionDenied``: case work is decided by role, not by a permission."""
    if getattr(user, "role", None) not in roles or not in_scope(user, path):
        raise PermissionDenied("forbidden", message)
