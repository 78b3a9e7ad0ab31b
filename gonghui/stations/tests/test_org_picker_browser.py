"""The org picker in a real browser (Debian's chromium): the city officer types pinyin
initials into a form's org field, ticks the county the list offers, and the new station
belongs to it; without JavaScript, an ambiguous text comes back with the candidates."""

import os

import pytest

from conftest import log_in
from gonghui.stations.models import Station

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# fixtures here are ordinary blocking calls, not made from a coroutine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)

STATION = {
    "name": "驿城区解放路爱心驿站",
    "host_kind": "union",
    "address": "驻马店市驿城区解放路1号",
    "lng": "114.02",
    "lat": "32.98",
    "crs": "wgs84",
    "hours": "08:00-20:00",
    "status": "open",
}


def test_the_city_officer_picks_a_county_by_its_initials(
    live_server, zhumadian_officer, console_page
):
    page = console_page
    page.goto(f"{live_server.url}/stations/new/")
    log_in(page, "zhumadian")
    page.wait_for_url("**/stations/new/")
    page.step("新建驿站")
    page.fill("#id_org_code", "")
    page.type("#id_org_code", "ycq")
    choice = page.locator("#id_org_code-choices input[name=org_code_pick][value='411702']")
    choice.wait_for()
    assert "驿城区总工会（411702）" in page.locator("#id_org_code-choices").inner_text()
    page.step("拼音首字母列出候选")
    choice.check()
    for field in ("name", "address", "lng", "lat", "hours"):
        page.fill(f"#id_{field}", STATION[field])
    page.select_option("#id_crs", STATION["crs"])
    page.step("选定驿城区")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    station = Station.objects.get(name=STATION["name"])
    assert station.org.code == "411702"
    page.wait_for_url(f"**/stations/{station.pk}/")
    assert "已保存驿站“驿城区解放路爱心驿站”" in page.content()
    page.step("驿站已建")


def test_without_javascript_an_ambiguous_text_lists_the_candidates(client, zhumadian_officer):
    client.force_login(zhumadian_officer)
    answer = client.post("/stations/new/", {**STATION, "org_code": "4117"})
    assert answer.status_code == 200
    errors = answer.context["form"].errors["org_code"]
    assert len(errors) == 1 and "对应多个组织" in errors[0] and "（411702）" in errors[0]
    assert "对应多个组织" in answer.content.decode()
    assert not Station.objects.exists()
