"""Small helpers every console view shares: the client address and the page context."""

import io
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
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


# The API's error shape (as gonghui.api answers a DomainError) for what Django answers itself.
NOT_FOUND = {"code": "not_found", "message": "不存在，或不在您的管辖范围内", "field": None}
SERVER_ERROR = {
    "code": "server_error",
    "message": "服务器出错，请稍后再试；错误已记录，请联系管理员",
    "field": None,
}


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 handler: the Chinese page, or the API's JSON error under /api/.

    Says nothing of what was asked for: the path, the exception's text and whether the
    object exists outside the user's subtree are all left out.
    """
    if _is_api(request):
        return JsonResponse(NOT_FOUND, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler: a fixed page (or JSON under /api/) with no traceback, path or
    request content, rendered without the request's context so it cannot fail again."""
    if _is_api(request):
        return JsonResponse(SERVER_ERROR, status=500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)
