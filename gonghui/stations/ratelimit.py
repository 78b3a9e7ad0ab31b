"""A per-client-address request budget for public endpoints (``GONGHUI_PUBLIC_RATE``).

A fixed window counted in Django's cache: ``600/m`` lets an address make 600
requests per clock minute. The default cache is per process, so each server
process counts on its own; a shared cache (Redis, memcached) makes the limit
global. The address is ``REMOTE_ADDR`` only, since a forwarded-for header is
whatever the client wrote unless a trusted proxy rewrites it.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'600/m' → (600, 60)."""
    count, _, period = rate.strip().partition("/")
    if not count.isdigit() or period not in _PERIODS:
        raise ImproperlyConfigured(f"GONGHUI_PUBLIC_RATE“{rate}”应写作“600/m”（s、m、h、d）")
    return int(count), _PERIODS[period]


def over_limit(request: HttpRequest, scope: str) -> int:
    """0 when the request is within the budget, else the seconds until the window ends."""
    limit, period = parse_rate(settings.PUBLIC_RATE)
    now = time.time()
    window = int(now // period)
    key = f"rate:{scope}:{request.META.get('REMOTE_ADDR', '')}:{window}"
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
    return max(1, int((window + 1) * period - now))
