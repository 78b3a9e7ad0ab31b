"""Reads of staff accounts, scoped like everything else."""

from functools import cache

from django.db import connection
from django.db.models import QuerySet

from gonghui.accounts.models import ApiToken, User
from gonghui.core.plain_select import from_row, select_list
from gonghui.orgs.models import Org


def staff_visible_to(user, *, usernames: list[str] | None = None) -> QuerySet[User]:
    """Active staff accounts of the user's subtree (optionally only these usernames)."""
    path = getattr(user, "scope_path", None)
    if not path:
        return User.objects.none()
    staff = User.objects.filter(is_active=True, org__path__startswith=path).select_related("org")
    return staff.filter(username__in=usernames) if usernames is not None else staff


def user_for_api_token(token: str) -> User | None:
    """The active account a bearer token belongs to, with its org, or None.

    Every API call starts here, so it is one plain statement rather than a
    compiled three-table join, read by ``plain_select``.
    """
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(connection.vendor), [ApiToken.hash_key(token), True])
        row = cursor.fetchone()
    if row is None:
        return None
    user, org_starts = from_row(User, row)
    org, _ = from_row(Org, row, org_starts)
    if org is not None:
        user.org = org
    return user


@cache
def _token_sql(vendor: str) -> str:
    return (
        f"SELECT {select_list(User, 'u')}, {select_list(Org, 'o')} "
        f"FROM {User._meta.db_table} u "
        f"JOIN {ApiToken._meta.db_table} t ON t.user_id = u.id "
        f"LEFT JOIN {Org._meta.db_table} o ON o.id = u.org_id "
        "WHERE t.key_hash = %s AND u.is_active = %s"
    )
