"""A city officer imports the station list from an .xlsx in a real browser (Debian's
chromium): the bad sheet is refused naming row and column, the corrected one is imported
and the stations are listed; a screenshot per step."""

import os

import pytest

from conftest import log_in
from gonghui.core.tabular import write_xlsx
from gonghui.stations.importers import COLUMNS

# Playwright's sync API runs an event loop in this thread; the fixtures' ORM calls block.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = [
    ["驿城区解放路爱心驿站", "411702", "驿城区解放路88号", 114.0253, 32.9795, "GCJ02",
     "饮水、热饭", "00:00-24:00", "0396-2821234", "开放", "2023-05-01"],
    ["西平县环卫驿站", "411721", "西平县人民路1号", 114.02, 33.38, "WGS84",
     "饮水", "08:00-20:00", "", "", ""],
]  # fmt: skip


@pytest.fixture
def sheets(transactional_db, zhumadian_officer, tmp_path):
    """Built before the browser starts: one sheet with a latitude off the globe, one right."""
    wrong = [ROWS[0], [*ROWS[1][:4], 95, *ROWS[1][5:]]]
    return {
        "bad": write_xlsx(tmp_path / "驿站-有误.xlsx", COLUMNS, wrong),
        "good": write_xlsx(tmp_path / "驿站.xlsx", COLUMNS, ROWS),
    }


def test_an_officer_imports_stations_and_sees_them_listed(live_server, console_page, sheets):
    page = console_page
    page.goto(f"{live_server.url}/stations/")
    log_in(page, "zhumadian")
    page.wait_for_url("**/stations/")
    page.step("station-list")
    page.click("#import")
    page.wait_for_url("**/stations/import/")
    assert page.locator("#template").get_attribute("href") == "/console/fill-in.xlsx?kind=stations"
    page.step("import-page")

    page.set_input_files("#id_file", str(sheets["bad"]))
    page.click("main button[type=submit]")
    page.wait_for_selector("#errors")
    assert page.locator("#errors tbody tr td").all_inner_texts()[:2] == ["3", "纬度"]
    assert "未导入任何数据" in page.locator("#summary").inner_text()
    page.step("bad-sheet-refused")

    page.set_input_files("#id_file", str(sheets["good"]))
    page.click("main button[type=submit]")
    page.wait_for_url("**/stations/")
    assert "新增2" in page.locator(".messages").inner_text()
    names = page.locator("#stations tbody tr td:first-child").all_inner_texts()
    assert sorted(names) == ["西平县环卫驿站", "驿城区解放路爱心驿站"]
    page.step("stations-listed")
