from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from gonghui.console.story import worker_story as story_lines
from gonghui.console.todo import todos, year_figures
from gonghui.core.views import console_view, page
from gonghui.members.selectors import worker_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a login lands: staff see what waits for them; the system admin the accounts; a
    point's clerk the check-in page."""
    user = request.user
    if not user.can("browse"):
        if user.can("manage_accounts"):
            return redirect("accounts:staff_list")
        return redirect("programs:checkin")
    context = {"nav": "home", "todos": todos(user), "figures": year_figures(user)}
    return page(request, "console/home.html", context)


@console_view
def worker_story(request: HttpRequest, pk: int) -> HttpResponse:
    """The worker page's history: a fragment when htmx asks, else a page of its own."""
    worker = worker_for(request.user, pk)
    context = {"nav": "workers", "worker": worker, "lines": story_lines(request.user, worker)}
    template = "console/_story.html" if request.htmx else "console/worker_story.html"
    return page(request, template, context)
