"""Reads of staff accounts, scoped like everything else."""

from collections.abc import Sequence
from functools import cache

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django_otp import devices_for_user
from django_otp.models import Device

from gonghui.accounts.models import API_TOKEN_PURPOSE, ApiToken, User
from gonghui.core.crypto import blind_index_candidates
from gonghui.core.drilldown import DrillDown, drill_down
from gonghui.core.indicators import Indicator
from gonghui.core.periods import Period
from gonghui.core.plain_select import from_row, select_list
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import child_orgs, org_for


def staff_visible_to(user: User, *, usernames: list[str] | None = None) -> QuerySet[User]:
    """Active staff accounts of the user's subtree (optionally only these usernames)."""
    path = user.scope_path
    if not path:
        return User.objects.none()
    staff = User.objects.filter(is_active=True, org__path__subtree=path).select_related("org")
    return staff.filter(username__in=usernames) if usernames is not None else staff


def accounts_managed_by(user: User) -> QuerySet[User]:
    """Every account (active or not) of a system admin's subtree, by username; none for
    any other role. Its subtree is its org's path: it has no "browse", so no scope_path."""
    if not user.can("manage_accounts") or user.org is None:
        return User.objects.none()
    return (
        User.objects.filter(org__path__subtree=user.org.path)
        .select_related("org")
        .order_by("username")
    )


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The account's own API tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def tokens_managed_by(user: User) -> QuerySet[ApiToken]:
    """The API tokens of the other accounts of a system admin's subtree; none for any
    other role."""
    return (
        ApiToken.objects.filter(user__in=accounts_managed_by(user))
        .exclude(user=user)
        .select_related("user__org")
        .order_by("user__username", "-created_at")
    )


def token_for(user: User, pk: int) -> ApiToken:
    """One of the user's own tokens or one it manages; 404 for any other."""
    found = tokens_of(user).filter(pk=pk).first() or tokens_managed_by(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def second_factor_devices(user: User) -> list[Device]:
    """The account's confirmed devices: its TOTP device first, then its recovery codes."""
    return list(devices_for_user(user))


def user_for_api_token(token: str) -> User | None:
    """The active account a bearer token belongs to, with its org, or None.

    Every API call starts here, so it is one plain statement rather than a
    compiled three-table join, read by ``plain_select``.
    """
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(connection.vendor), token_params(token))
        row = cursor.fetchone()
    return None if row is None else token_user_from_row(row)[0]


def token_columns() -> str:
    """The columns ``user_for_api_token`` reads (account ``u``, org ``o``), for a statement
    that reads the token's account beside what the request needs (a check-in)."""
    return f"{select_list(User, 'u')}, {select_list(Org, 'o')}"


def token_tables() -> str:
    """The FROM of those columns: the account ``u`` of the token ``t`` and its org ``o``."""
    return (
        f"{User._meta.db_table} u JOIN {ApiToken._meta.db_table} t ON t.user_id = u.id "
        f"LEFT JOIN {Org._meta.db_table} o ON o.id = u.org_id"
    )


# A token's hash under each key of a two-key ring and both algorithms: tokens issued
# before ``gonghui keys rotate`` keep working while the old key is still in the ring.
_TOKEN_HASHES = 4
TOKEN_CONDITION = f"t.key_hash IN ({', '.join(['%s'] * _TOKEN_HASHES)}) AND u.is_active = %s"


def token_params(token: str) -> list[str | bool]:
    """The parameters of ``TOKEN_CONDITION``."""
    hashes = blind_index_candidates(token, purpose=API_TOKEN_PURPOSE)[:_TOKEN_HASHES]
    return [*hashes, *[hashes[0]] * (_TOKEN_HASHES - len(hashes)), True]


def token_user_from_row(row: Sequence) -> tuple[User, int]:
    """The account (with its org) at the start of ``row``, and where the next columns begin."""
    user, org_starts = from_row(User, row)
    # The account is inner-joined to its token: a row always holds one.
    assert user is not None
    org, end = from_row(Org, row, org_starts)
    if org is not None:
        user.org = org
    return user, end


@cache
def _token_sql(vendor: str) -> str:
    return f"SELECT {token_columns()} FROM {token_tables()} WHERE {TOKEN_CONDITION}"


def org_asked_for(user: User, org_code: str | None) -> Org:
    """The org a figures page or report is asked for: ``org_code`` inside the user's
    subtree, or the user's own org; 404 for an account without a scope."""
    if not user.scope_path or user.org is None:  # a scope is its org's path
        raise Http404
    return org_for(user, org_code) if org_code else user.org


def figures_asked_for(
    user: User, indicators: Sequence[Indicator], *, period: Period, org_code: str | None
) -> DrillDown[Org]:
    """``indicators`` by child org (``drill_down``) for the org a figures page asks for
    (``org_asked_for``: 404 outside the user's subtree), every child org listed."""
    org = org_asked_for(user, org_code)
    return drill_down(indicators, org, child_orgs(org), period)
