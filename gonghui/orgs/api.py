"""/api/orgs: the union tree, as much of it as the caller's scope holds."""

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from gonghui.core.schemas import Pagination
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import children_with_counts, org_for, orgs_visible_to

router = Router(tags=["工会组织"])


class OrgOut(Schema):
    code: str
    name: str
    kind: str
    kind_name: str
    parent_code: str | None
    depth: int
    path: str
    # only when listing one org's children (?parent=CODE)
    n_children: int | None = None

    @staticmethod
    def resolve_kind_name(obj: Org) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_parent_code(obj: Org) -> str | None:
        # The path is the chain of codes, so the parent needs no join.
        codes = obj.path.rstrip("/").split("/")
        return codes[-2] if len(codes) > 1 else None

    @staticmethod
    def resolve_n_children(obj: Org) -> int | None:
        return getattr(obj, "n_children", None)


@router.get("", response=list[OrgOut], url_name="org_list", summary="组织列表")
@paginate(Pagination, max_limit=500)
def list_orgs(request: HttpRequest, parent: str | None = None):
    """The caller's subtree in path order, or with ``parent`` that org's direct children
    (404 when ``parent`` is outside the subtree)."""
    if parent:
        return children_with_counts(request.auth, org_for(request.auth, parent))
    return orgs_visible_to(request.auth)


@router.get("/{code}", response=OrgOut, url_name="org_detail", summary="组织详情")
def get_org(request: HttpRequest, code: str):
    """One org; 404 outside the caller's subtree."""
    return org_for(request.auth, code)
