"""Middleware of every request: bodies that cannot be read are refused first, and
``Cache-Control: no-store`` goes on every response gonghui renders.

Pages, API answers, exports and downloads show personal information to staff or
to a worker on the portal (whose session is not a Django login), and a shared or
back-button cache must not keep them. Telling which responses carry personal
information one by one would leave one out, so the rule is all of them; only the
static files, which WhiteNoise answers before this middleware, stay cacheable.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseBase, JsonResponse


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-store"
        return response


UNREADABLE_UPLOAD = "上传内容无法解析：须为带 boundary 的 multipart/form-data"


class UnreadableUploadMiddleware:
    """A multipart body without a boundary can never be read: refused with 400 before
    anything (an authentication check, the CSRF check, a form) reads it and fails with a
    500 the caller could not act on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/") and "boundary=" not in content_type:
            if request.path.startswith("/api/"):
                body = {"code": "bad_upload", "message": UNREADABLE_UPLOAD}
                return JsonResponse(body, status=400, json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(
                UNREADABLE_UPLOAD, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
