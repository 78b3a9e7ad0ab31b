"""Every 429 leaves with ``Retry-After``, whoever refused the request."""

from django.http import HttpResponse
from django.test import RequestFactory

from gonghui.core.ratelimit import RetryAfterMiddleware


def test_a_429_without_retry_after_gets_the_public_window(settings):
    settings.PUBLIC_RATE = "100/h"
    middleware = RetryAfterMiddleware(lambda request: HttpResponse("锁定", status=429))
    assert middleware(RequestFactory().get("/accounts/login/"))["Retry-After"] == "3600"


def test_a_429_keeps_its_own_retry_after_and_other_answers_get_none():
    def refuse(request):
        response = HttpResponse(status=429)
        response["Retry-After"] = "17"
        return response

    assert RetryAfterMiddleware(refuse)(RequestFactory().get("/"))["Retry-After"] == "17"
    ok = RetryAfterMiddleware(lambda request: HttpResponse("好"))(RequestFactory().get("/"))
    assert not ok.has_header("Retry-After")
