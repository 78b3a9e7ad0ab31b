"""Small helpers every console view shares: the client address and the page context."""

import io
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header


def client_ip(request: HttpRequest) -> str | None:
    """The address recorded in the audit log.

    ``REMOTE_ADDR`` only: a forwarded-for header is whatever the client wrote
    unless a trusted proxy sets it, and the audit log must not be forgeable.
    """
    return request.META.get("REMOTE_ADDR") or None


class Can:
    """``{{ can.unmask }}`` in a template asks ``user.can("unmask")``."""

    def __init__(self, user) -> None:
        self.user = user

    def __getitem__(self, permission: str) -> bool:
        return bool(getattr(self.user, "can", None)) and self.user.can(permission)


def page(request: HttpRequest, template: str, context: dict | None = None, *, status: int = 200):
    """Render a console page; the layout needs to know which verbs the user has."""
    return render(request, template, {"can": Can(request.user), **(context or {})}, status=status)


@login_required
def home(request: HttpRequest):
    """Where a login lands: the registry for staff, the accounts for the system admin, the
    check-in page for a point's clerk."""
    if request.user.can("browse"):
        return redirect("members:worker_list")
    if request.user.can("manage_accounts"):
        return redirect("accounts:staff_list")
    return redirect("programs:checkin")


def console_view(view):
    """``login_required`` plus: accounts that may not browse (a point's clerk) get 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.can("browse"):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(book, filename: str) -> HttpResponse:
    """An openpyxl workbook as a download named ``filename``."""
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def recent_years() -> range:
    """Years a figures page offers: next year back to five years ago."""
    this_year = timezone.localdate().year
    return range(this_year + 1, this_year - 5, -1)
