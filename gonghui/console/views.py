from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from gonghui.console.cards import cards_of, cards_pdf, union_for_cards, union_workers
from gonghui.console.fill_in import FILL_INS
from gonghui.console.selectors import WAITING_DAYS, imports_visible_to
from gonghui.console.story import worker_story as story_lines
from gonghui.console.todo import todos, year_figures
from gonghui.core.views import console_view, download, download_name, page, xlsx_response
from gonghui.core.workbook import template_workbook
from gonghui.members.selectors import worker_for

PAGE_SIZE = 50


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


@console_view
def import_list(request: HttpRequest) -> HttpResponse:
    """导入记录: the imports of the user's subtree, done and refused, with each refused
    file's problems; ``?state=waiting`` is the home page's "导入未成功", the user's own."""
    waiting = request.GET.get("state") == "waiting"
    runs = imports_visible_to(request.user, waiting=waiting)
    page_obj = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    titles = {kind: fill.title for kind, fill in FILL_INS.items()}
    rows = [(run, titles.get(run.kind, run.kind), run.problems.splitlines()) for run in page_obj]
    context = {
        "nav": "home",
        "page_obj": page_obj,
        "rows": rows,
        "waiting": waiting,
        "waiting_days": WAITING_DAYS,
    }
    return page(request, "console/import_list.html", context)


@console_view
def fill_in(request: HttpRequest) -> HttpResponse:
    """The .xlsx to fill in for one import (``?kind=`` as ``gonghui import`` names it): the
    header, and an example row on its own sheet. The same blank list for every user."""
    kind = request.GET.get("kind", "")
    if kind not in FILL_INS:
        raise Http404
    title, columns, example = FILL_INS[kind]
    return xlsx_response(template_workbook(title, columns, example), f"{title}模板.xlsx")


def union_cards(request: HttpRequest, code: str) -> HttpResponse:
    """A grassroots union's workers with their phone sign-in links, and the PDF of cards."""
    union = union_for_cards(request.user, code)
    page_obj = Paginator(union_workers(request.user, union), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "nav": "orgs",
        "union": union,
        "page_obj": page_obj,
        "cards": cards_of(request, page_obj),
    }
    return page(request, "console/union_cards.html", context)


@console_view
def union_cards_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Every worker's card of the union, several to an A4 page, to print for a meeting."""
    union = union_for_cards(request.user, code)
    cards = cards_of(request, union_workers(request.user, union))
    name = download_name("工会卡", union.code, "pdf")
    response = download(cards_pdf(union, cards), "application/pdf", name)
    response["Cache-Control"] = "private, no-store"
    return response
