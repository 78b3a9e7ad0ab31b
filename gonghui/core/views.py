"""Small helpers every console view shares: the client address and the page context."""

import io
import ipaddress
from functools import cache, wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.http import content_disposition_header

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: what the audit log records, the login lockout and the public
    rate limits count by. None for a command (no request).

    ``REMOTE_ADDR``, unless it is one of ``GONGHUI_TRUSTED_PROXIES``: then the right-most
    ``X-Forwarded-For`` entry that is not a trusted proxy, since each proxy appends the
    address it was reached from and everything left of that is whatever the client wrote.
    An entry that is not an address ends the walk at the last proxy, which then counts
    as the client.
    """
    if request is None:
        return None
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    client = remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    while _is_trusted(client, networks) and hops:
        hop = _address(hops.pop())
        if hop is None:
            break
        client = hop
    return str(client)


def _address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


@cache
def _trusted_networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"GONGHUI_TRUSTED_PROXIES 应是逗号分隔的 IP 地址或网段：{error}"
        ) from error


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


def download_name(what: str, org_code: str, ext: str) -> str:
    """Every download's name, ``<what>-<org code>-<YYYYMMDD>.<ext>``: files saved from
    several orgs on several days sort and never overwrite each other. ``org_code`` is the
    org the file is about, or the user's own for a list of the user's subtree."""
    return f"{what}-{org_code}-{timezone.localdate():%Y%m%d}.{ext}"


def download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    """``body`` as a download named ``filename``."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def xlsx_response(book, filename: str) -> HttpResponse:
    """An openpyxl workbook as a download named ``filename``."""
    buffer = io.BytesIO()
    book.save(buffer)
    return download(buffer.getvalue(), XLSX, filename)


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
