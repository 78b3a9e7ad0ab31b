"""The union tree in the console: one org, its children and the workers under each.

It lives with the workers, not in ``orgs``, because the tree knows no workers: the
page is where the two meet.
"""

from django.http import Http404
from django.shortcuts import redirect

from gonghui.core.views import console_view, page
from gonghui.members.selectors import worker_counts_by_path
from gonghui.orgs.selectors import children_with_counts, org_for, orgs_visible_to


@console_view
def tree(request):
    """Start at the user's own org."""
    if request.user.scope_path is None:
        raise Http404
    return redirect("tree:org", code=request.user.org.code)


@console_view
def org_detail(request, code: str):
    user = request.user
    org = org_for(user, code)
    ancestor_codes = org.path.rstrip("/").split("/")[:-1]
    breadcrumbs = (
        list(orgs_visible_to(user).filter(code__in=ancestor_codes)) if ancestor_codes else []
    )
    children = list(children_with_counts(user, org))
    per_path = worker_counts_by_path(user, under=org.path)
    for child in children:
        child.n_workers = sum(n for path, n in per_path.items() if path.startswith(child.path))
    context = {
        "nav": "orgs",
        "org": org,
        "breadcrumbs": breadcrumbs,
        "children": children,
        "direct_workers": per_path.get(org.path, 0),
        "total_workers": sum(per_path.values()),
    }
    return page(request, "members/org_detail.html", context)
