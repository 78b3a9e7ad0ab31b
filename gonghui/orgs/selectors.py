"""Reads of the union tree, always scoped to the acting user."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from gonghui.core.actors import Actor
from gonghui.orgs.models import Employer, Org


def orgs_visible_to(user: Actor) -> QuerySet[Org]:
    return Org.objects.visible_to(user)


def org_for(user: Actor, code: str) -> Org:
    """An org in the user's subtree, or 404 (outside the subtree does not exist)."""
    try:
        return orgs_visible_to(user).get(code=code)
    except Org.DoesNotExist:
        raise Http404 from None


def children_with_counts(user: Actor, org: Org) -> QuerySet[Org]:
    return orgs_visible_to(user).filter(parent=org).annotate(n_children=Count("children"))


@dataclass(frozen=True)
class OrgRef:
    """What an importer needs of an org, without a query per row."""

    id: int
    path: str
    county_id: int


def org_refs_visible_to(user: Actor) -> dict[str, OrgRef]:
    """Every org in the user's subtree by code, with its county (for employers)."""
    rows = list(orgs_visible_to(user).values_list("id", "code", "path"))
    county_ids = org_ids_by_path({county_path_of(path) for _, _, path in rows})
    return {code: OrgRef(pk, path, county_ids[county_path_of(path)]) for pk, code, path in rows}


def employers_by_uscc(codes: list[str]) -> dict[str, int]:
    """Employer ids for credit codes; employers are shared registry data, not scoped rows."""
    found: dict[str, int] = {}
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        found.update(Employer.objects.filter(uscc__in=chunk).values_list("uscc", "id"))
    return found


def employers_visible_to(
    user: Actor, *, q: str = "", located: bool | None = None
) -> QuerySet[Employer]:
    """Employers registered in the user's subtree; ``q`` is part of the name or credit code,
    ``located`` keeps those with (True) or without (False) a workplace location."""
    employers = Employer.objects.visible_to(user).select_related("org")
    if q:
        employers = employers.filter(Q(name__contains=q) | Q(uscc__contains=q.upper()))
    if located is not None:
        employers = employers.filter(lat__isnull=not located)
    return employers


def employer_for(user: Actor, pk: int) -> Employer:
    """An employer in the user's subtree, or 404."""
    try:
        return employers_visible_to(user).get(pk=pk)
    except Employer.DoesNotExist:
        raise Http404 from None


def org_ids_by_path(paths: set[str]) -> dict[str, int]:
    """Org ids for materialised paths (internal bookkeeping such as rollups, not a user read)."""
    return dict(Org.objects.filter(path__in=list(paths)).values_list("path", "id"))


def county_path_of(path: str) -> str:
    """The county-level ancestor's path of an org path (the org itself above county level)."""
    parts = path.rstrip("/").split("/")
    return "/".join(parts[:3]) + "/"


def org_by_path(path: str) -> Org:
    """An org by its materialised path (callers have already decided the path is in scope)."""
    return Org.objects.get(path=path)


def child_orgs(org: Org) -> list[Org]:
    return list(Org.objects.filter(parent=org).order_by("code"))


def org_id_by_path_sql() -> str:
    """A subquery fragment taking one ``%s`` path parameter and giving that org's id.

    For raw upserts on hot paths, which then need no round trip to learn an id.
    """
    return f"(SELECT id FROM {Org._meta.db_table} WHERE path = %s)"


def org_to_hand_over_to(code: str) -> Org:
    """Any federation or union in the tree by code, for handing a case over to it (a sender
    may send outside its own subtree); 404 if there is no such org."""
    try:
        return Org.objects.get(code=code.strip())
    except Org.DoesNotExist:
        raise Http404 from None


def org_by_code(code: str) -> Org | None:
    """An org by its code, unscoped: for public links that name an org (no user to scope by)."""
    return Org.objects.filter(code=code).first()
