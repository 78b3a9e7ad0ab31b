"""Reads of staff accounts, scoped like everything else."""

from django.db import connection
from django.db.models import QuerySet

from gonghui.accounts.models import ApiToken, User
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
    compiled three-table join: the org's columns (plain text and numbers, no
    conversion needed) ride along and ``Model.from_db`` builds the org.
    """
    org_names = [f.attname for f in Org._meta.concrete_fields]
    org_columns = ", ".join(f"o.{f.column} AS org__{f.attname}" for f in Org._meta.concrete_fields)
    found = User.objects.raw(
        f"SELECT u.*, {org_columns} FROM {User._meta.db_table} u "
        f"JOIN {ApiToken._meta.db_table} t ON t.user_id = u.id "
        f"LEFT JOIN {Org._meta.db_table} o ON o.id = u.org_id "
        "WHERE t.key_hash = %s AND u.is_active = %s",
        [ApiToken.hash_key(token), True],
    )
    user = next(iter(found), None)
    if user is not None and user.org_id is not None:
        values = [getattr(user, f"org__{name}") for name in org_names]
        user.org = Org.from_db(connection.alias, org_names, values)
    return user
