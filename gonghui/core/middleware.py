"""``Cache-Control: no-store`` on every response gonghui renders.

Pages, API answers, exports and downloads show personal information to staff or
to a worker on the portal (whose session is not a Django login), and a shared or
back-button cache must not keep them. Telling which responses carry personal
information one by one would leave one out, so the rule is all of them; only the
static files, which WhiteNoise answers before this middleware, stay cacheable.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-store"
        return response
