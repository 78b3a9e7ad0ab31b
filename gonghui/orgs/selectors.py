"""Reads of the union tree, always scoped to the acting user."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from gonghui.core.actors import Actor
from gonghui.core.chinese import simplified
from gonghui.core.errors import DomainError
from gonghui.core.scoping import ancestor_paths, scope_of
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


def orgs_to_hand_over_to(user: Actor) -> QuerySet[Org]:
    """The orgs an org field handing work over offers the user: the user's subtree, the orgs
    above it and each of those orgs' direct children (a county's city and the city's other
    counties, the province and its cities), so a case can leave the sender's subtree without
    the list showing a county every union of the province."""
    path = scope_of(user)
    if path is None:
        return Org.objects.none()
    above = ancestor_paths(path)
    return Org.objects.filter(Q(path__subtree=path) | Q(path__in=above) | Q(parent__path__in=above))


def orgs_for_accounts(user: Actor) -> QuerySet[Org]:
    """The orgs the system admin may put accounts in: its own org's subtree. It reads no
    registry (no ``scope_path``), so ``orgs_visible_to`` offers it nothing; the tree's
    names hold nothing personal, and ``create_staff`` checks the subtree again."""
    if not user.can("manage_accounts"):
        return Org.objects.none()
    home = Org.objects.filter(staff__pk=user.pk).values_list("path", flat=True).first()
    if home is None:
        return Org.objects.none()
    return Org.objects.filter(path__subtree=home)


# The sets of orgs an org field may offer, by the name its picker asks with, and the
# permission the picker's list needs for each (anyone else gets 404).
PICK_AMONG = {"": orgs_visible_to, "hand_over": orgs_to_hand_over_to, "accounts": orgs_for_accounts}
PICK_NEEDS = {"": "browse", "hand_over": "browse", "accounts": "manage_accounts"}


def org_by_code(code: str) -> Org | None:
    """An org by its code, unscoped: for public links that name an org (no user to scope by)."""
    return Org.objects.filter(code=code).first()


PICK_LIMIT = 10


def orgs_matching(user: Actor, text: str, *, limit: int = PICK_LIMIT, among: str = "") -> list[Org]:
    """The user's orgs an org field's text may mean: a code or its start (4117), part of
    the name in either script (驻马店, 駐馬店), or the start of its pinyin or initials
    (zhumadian, zmd); the exact code first, then from the top of the tree down. ``among``
    names the set offered (``PICK_AMONG``): the user's subtree unless the field says."""
    text = text.strip()
    if not text:
        return []
    if text.isdigit():
        wanted = Q(code__startswith=text)
    elif text.isascii():
        lowered = text.lower()
        wanted = Q(name_initials__startswith=lowered) | Q(name_pinyin__startswith=lowered)
    else:
        wanted = Q(name__contains=simplified(text))
    found = list(PICK_AMONG[among](user).filter(wanted).order_by("depth", "path")[:limit])
    found.sort(key=lambda org: org.code != text)
    return found


def pick_org(user: Actor, text: str, *, among: str = "") -> Org:
    """The one org of the user's subtree that an org field's text means; a refusal lists the
    candidates (with their codes) when it could mean several, so a form used without
    JavaScript still leads to a choice."""
    found = orgs_matching(user, text, limit=PICK_LIMIT + 1, among=among)
    exact = [org for org in found if text.strip() in (org.code, org.name)]
    if len(exact) == 1:
        return exact[0]
    if len(found) == 1:
        return found[0]
    if not found:
        raise DomainError(
            "org_not_found",
            f"“{text.strip()}”不存在或不在您的管辖范围内：请输入组织代码、名称或拼音首字母",
            field="org",
        )
    listed = "、".join(str(org) for org in found[:PICK_LIMIT])
    more = "等" if len(found) > PICK_LIMIT else ""
    raise DomainError(
        "org_ambiguous",
        f"“{text.strip()}”对应多个组织，请选择或输入代码：{listed}{more}",
        field="org",
    )
