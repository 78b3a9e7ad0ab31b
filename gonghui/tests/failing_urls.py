"""A URL map whose views fail, for the 500 handlers' tests (a real exception, no mock)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(f"failed on {request.get_full_path()}")


urlpatterns = [path("boom/", fail), path("api/boom", fail)]
handler404 = "gonghui.core.views.page_not_found"
handler500 = "gonghui.core.views.server_error"
