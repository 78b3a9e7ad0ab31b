"""The console's upload page, one for every importer that has no page of its own yet.

An importer (``run``) reads the uploaded file, checks every row and writes all of them or
none; the page only carries the file to it and shows what it answered: a success message
and back to the list, or the same page (status 400) with the summary and each problem by
row, column and reason. The template to download is the
console's list to fill in for that importer (``console:fill_in``).
"""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from gonghui.core.forms import UploadForm
from gonghui.core.importing import ImportReport, clear_copy
from gonghui.core.views import client_ip, page

# How many problems the page lists; the summary counts them all.
SHOWN_PROBLEMS = 200
SHOWN_WARNINGS = 20  # in one message line above the list the import returns to

Importer = Callable[..., ImportReport]


def import_page(
    request: HttpRequest,
    *,
    run: Importer,
    done: str,
    context: dict,
    template: str = "import_page.html",
) -> HttpResponse:
    """GET: the upload form. POST: ``run(path, filename=, client_ip=)`` on the uploaded file
    (the caller binds ``by`` and whatever else the importer needs with ``functools.partial``), then redirect to ``done``
    when it imported, else the page again with its problems. ``context`` holds ``nav``,
    ``heading``, ``columns``, ``template_url`` and the ``back`` link (url, label)."""
    form = UploadForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with clear_copy(upload.read()) as path:
            report = run(path, filename=upload.name, client_ip=client_ip(request))
        if report.ok:
            messages.success(request, report.summary())
            if report.warnings:  # imported, yet worth a look (a name differing from the registry)
                shown = "；".join(str(w) for w in report.warnings[:SHOWN_WARNINGS])
                more = "等" if len(report.warnings) > SHOWN_WARNINGS else ""
                messages.warning(request, f"{len(report.warnings)}处提示：{shown}{more}")
            return redirect(done)
    status = 400 if request.method == "POST" else 200
    shown = report.errors[:SHOWN_PROBLEMS] if report else []
    return page(
        request,
        template,
        {**context, "form": form, "report": report, "shown_errors": shown},
        status=status,
    )
