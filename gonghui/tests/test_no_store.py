"""Every response gonghui renders carries ``Cache-Control: no-store``; static files do not."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_pages_showing_personal_information_are_not_stored(client, yicheng_officer, make_worker):
    worker = make_worker("张东青")
    client.force_login(yicheng_officer)
    for url in (
        reverse("members:worker_list"),
        reverse("members:worker_detail", args=[worker.pk]),
        reverse("members:worker_export"),
    ):
        response = client.get(url)
        if response.streaming:  # the export: read it to the end, which closes its file
            b"".join(response.streaming_content)
        assert response.status_code == 200, url
        assert no_store(response), url


def test_api_answers_are_not_stored_with_or_without_a_login(client, call, yicheng_officer):
    assert no_store(call(yicheng_officer, "get", "/api/workers"))
    assert no_store(client.get("/api/health"))
    assert no_store(client.get("/api/stations/nearest?lat=32.98&lng=114.02"))


def test_anonymous_pages_and_errors_are_not_stored_either(client):
    assert no_store(client.get(reverse("accounts:login")))
    assert no_store(client.get("/no-such-page/"))


def test_a_view_that_set_its_own_caching_is_overruled(rf, settings):
    """The one rule wins over a view's own Cache-Control, unless that already says no-store."""
    from django.http import HttpResponse

    from gonghui.core.middleware import NoStoreMiddleware

    def cached(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    assert NoStoreMiddleware(cached)(rf.get("/")).get("Cache-Control") == "private, no-store"
