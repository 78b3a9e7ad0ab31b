"""With DEBUG off (production), errors answer with the Chinese page or the API's error shape
and nothing else: no traceback, no path internals, nothing the request uploaded."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from conftest import VerifiedClient
from gonghui.core.views import NOT_FOUND, SERVER_ERROR
from gonghui.members.generate import make_id
from gonghui.members.importers import COLUMNS
from gonghui.settings import BASE_DIR

pytestmark = pytest.mark.django_db

LEAKS = ("Traceback", 'File "', ".py", "site-packages", "Error:", "django.", str(BASE_DIR))


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return VerifiedClient(raise_request_exception=False)


def assert_reveals_nothing(body: str, *secrets: str) -> None:
    for leak in (*LEAKS, *secrets):
        assert leak not in body, leak


def test_anonymous_nearest_at_the_pole_in_bd09_reveals_nothing(production):
    response = production.get("/api/stations/nearest?lat=-90&lng=-180&coord=bd09")
    assert_reveals_nothing(response.content.decode())
    assert response["Content-Type"].startswith("application/json")
    assert response.status_code == 200  # issue 18: the edge point is converted, not a 500
    assert isinstance(response.json(), list)


def roster_bytes(id_number: str, kind: str) -> bytes:
    values = ["张东青", id_number, "13800138000", "411702", "", "", "环卫工人", "2020-01-01"]
    if kind == "csv":
        return (",".join(COLUMNS) + "\r\n" + ",".join(values) + "\r\n").encode("gbk")
    book = Workbook()
    book.active.append(list(COLUMNS))
    book.active.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_broken_roster_upload_reveals_no_clear_id(production, yicheng_officer, kind):
    production.force_login(yicheng_officer)
    id_number = make_id(random.Random(7), "411702")
    data = roster_bytes(id_number, kind)
    at = len(data) // 2
    broken = data[:at] + b"\xff" + data[at + 1 :]
    response = production.post(
        reverse("members:worker_import"),
        {"file": SimpleUploadedFile(f"花名册.{kind}", broken)},
    )
    body = response.content.decode()
    assert_reveals_nothing(body, id_number, id_number[-4:] + "\n", "张东青")
    if response.status_code == 500:  # until issue 18 reports the bad byte on the page
        assert "服务器出错" in body and "<form" not in body
    else:
        assert response.status_code < 500


def test_page_404_is_chinese_and_does_not_echo_the_path(production, yicheng_officer):
    production.force_login(yicheng_officer)
    response = production.get("/workers/secret-probe-4117/")
    body = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in body
    assert_reveals_nothing(body, "secret-probe-4117")


def test_api_404_has_the_error_shape_for_unknown_routes_and_objects_out_of_scope(
    production, call, yicheng_officer, luoyang_officer, make_worker
):
    assert production.get("/api/no-such-endpoint").json() == NOT_FOUND
    worker = make_worker("张东青", org="410302")
    response = call(yicheng_officer, "get", f"/api/workers/{worker.pk}")
    assert response.status_code == 404 and response.json() == NOT_FOUND
    assert call(luoyang_officer, "get", f"/api/workers/{worker.pk}").status_code == 200


def test_500_page_is_rendered_without_the_request_and_names_nothing(production, settings):
    settings.ROOT_URLCONF = "gonghui.tests.failing_urls"
    response = production.get("/boom/?id=410102199001011234")
    body = response.content.decode()
    assert response.status_code == 500 and "服务器出错" in body
    assert_reveals_nothing(body, "410102199001011234", "boom", "RuntimeError")
    api = production.get("/api/boom")
    assert api.status_code == 500 and api.json() == SERVER_ERROR
