"""Anonymous endpoints: a per-client-address request budget (``GONGHUI_PUBLIC_RATE``), the
``Retry-After`` every 429 carries, and who "one client" is for a public counter.

The budget is a fixed window counted in Django's cache: ``600/m`` lets an address make 600
requests per clock minute. The default cache is per process, so each server process counts
on its own; a shared cache (Redis, memcached) makes the limit global. The address is
``core.views.client_ip``'s (a forwarded-for header counts only from a trusted proxy). The
nearest-station search and the reading campaigns' tracking links use it, each under its
own scope.
"""

import datetime
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from gonghui.core.views import client_ip

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RETRY_AFTER_ATTRIBUTE = "gonghui_retry_after"


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/m' → (600, 60)."""
    count, _, period = rate.strip().partition("/")
    if not count.isdigit() or period not in _PERIODS:
        raise ImproperlyConfigured(f"GONGHUI_PUBLIC_RATE“{rate}”应写作“600/m”（s、m、h、d）")
    return int(count), _PERIODS[period]


def over_limit(request: HttpRequest, scope: str) -> int:
    """0 when the request is within the budget, else the seconds until the window ends
    (also kept on the request, where ``RetryAfterMiddleware`` finds it for the 429)."""
    limit, period = parse_rate(settings.PUBLIC_RATE)
    now = time.time()
    window = int(now // period)
    key = f"rate:{scope}:{client_ip(request) or ''}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        used = 1
    else:
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=period + 1)
            used = 1
    if used <= limit:
        return 0
    wait = max(1, int((window + 1) * period - now))
    setattr(request, RETRY_AFTER_ATTRIBUTE, wait)
    return wait


def too_many(wait: int) -> HttpResponse:
    """The page answer to a request over the budget: 429 with ``Retry-After``."""
    response = HttpResponse(
        f"请求过于频繁，请{wait}秒后再试", status=429, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(wait)
    return response


class RetryAfterMiddleware:
    """Every 429 leaves with ``Retry-After`` (RFC 9110 §10.2.3), whoever refused: the wait
    ``over_limit`` found, or the public budget's whole window for a 429 of other origin
    (a login lockout), so a client never retries blindly."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 429 and not response.has_header("Retry-After"):
            wait = getattr(request, RETRY_AFTER_ATTRIBUTE, None)
            response["Retry-After"] = str(wait or parse_rate(settings.PUBLIC_RATE)[1])
        return response


def anonymous_client(request: HttpRequest, *, day: datetime.date) -> str:
    """Who is asking, for counting one click per client and day: a keyed hash (the secret
    key, salted with the day) of the address and the browser's User-Agent. No address is
    stored, and the same client hashes differently on another day, so days cannot be joined.
    Clients behind one address with the same browser count as one (undercounting, never
    overcounting, is the side published figures may err on)."""
    fingerprint = f"{client_ip(request) or ''}\n{request.META.get('HTTP_USER_AGENT', '')}"
    return salted_hmac(
        f"gonghui.anonymous-client.{day.isoformat()}", fingerprint, algorithm="sha256"
    ).hexdigest()[:32]
