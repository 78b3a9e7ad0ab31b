"""Reads of the union tree, always scoped to the acting user."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404

from gonghui.orgs.models import Employer, Org


def orgs_visible_to(user) -> QuerySet[Org]:
    return Org.objects.visible_to(user)


def org_for(user, code: str) -> Org:
    """An org in the user's subtree, or 404 (outside the subtree does not exist)."""
    try:
        return orgs_visible_to(user).get(code=code)
    except Org.DoesNotExist:
        raise Http404 from None


def children_with_counts(user, org: Org) -> QuerySet[Org]:
    return orgs_visible_to(user).filter(parent=org).annotate(n_children=Count("children"))


@dataclass(frozen=True)
class OrgRef:
    """What an importer needs of an org, without a query per row."""

    id: int
    path: str
    county_id: int


def org_refs_visible_to(user) -> dict[str, OrgRef]:
    """Every org in the user's subtree by code, with its county (for employers)."""
    rows = list(orgs_visible_to(user).values_list("id", "code", "path", "kind"))
    ids_by_code = {code: pk for pk, code, _, _ in rows}
    counties = dict(Org.objects.filter(kind="county").values_list("code", "id"))
    refs = {}
    for pk, code, path, _ in rows:
        parts = path.rstrip("/").split("/")
        county = parts[2] if len(parts) > 2 else code
        refs[code] = OrgRef(pk, path, counties.get(county, ids_by_code.get(code, pk)))
    return refs


def employers_by_uscc(codes: list[str]) -> dict[str, int]:
    """Employer ids for credit codes; employers are shared registry data, not scoped rows."""
    found: dict[str, int] = {}
    for start in range(0, len(codes), 5000):
        chunk = codes[start : start + 5000]
        found.update(Employer.objects.filter(uscc__in=chunk).values_list("uscc", "id"))
    return found


def employers_visible_to(user) -> QuerySet[Employer]:
    return Employer.objects.visible_to(user)
