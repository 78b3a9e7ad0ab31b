"""A city officer runs a reading campaign in a real browser (Debian's chromium): creates it
from the culture pages, imports a reading platform's counts (a bad sheet first, its row and
column named, then the corrected one) and sees the totals; a screenshot per step."""

import datetime
import os

import pytest
from django.utils import timezone

from conftest import log_in
from gonghui.core.tabular import write_xlsx
from gonghui.culture.importers import COUNT_COLUMNS

# Playwright's sync API runs an event loop in this thread; the fixtures' ORM calls block.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = timezone.localdate()


@pytest.fixture
def sheets(transactional_db, zhumadian_officer, tmp_path):
    """Built before the browser starts: the platform's report with a day in the future, and
    the corrected one."""
    tomorrow = TODAY + datetime.timedelta(days=1)
    return {
        "bad": write_xlsx(
            tmp_path / "阅读平台-有误.xlsx", COUNT_COLUMNS, [["411702", tomorrow, 12, 1]]
        ),
        "good": write_xlsx(
            tmp_path / "阅读平台.xlsx",
            COUNT_COLUMNS,
            [["411702", TODAY, 120, 8], ["411721", TODAY, 30, 2]],
        ),
    }


def test_an_officer_creates_a_campaign_and_imports_its_counts(live_server, console_page, sheets):
    page = console_page
    page.goto(f"{live_server.url}/culture/")
    log_in(page, "zhumadian")
    page.wait_for_url("**/culture/")
    page.click("#campaigns")
    page.wait_for_url("**/culture/campaigns/")
    page.step("campaign-list")

    page.click("#create")
    page.fill("#id_org_code", "411700")
    page.fill("#id_name", "驻马店职工读书月")
    page.fill("#id_starts_on", (TODAY - datetime.timedelta(days=3)).isoformat())
    page.fill("#id_ends_on", (TODAY + datetime.timedelta(days=27)).isoformat())
    page.fill(
        "#id_items",
        "劳动者之歌 https://example.org/song\n大国工匠 https://example.org/craft",
    )
    page.step("campaign-form")
    page.click("main button[type=submit]")
    page.wait_for_url("**/culture/campaigns/*/")
    assert page.locator("h1").inner_text() == "驻马店职工读书月"
    assert page.locator("#items tbody tr").count() == 2
    assert "/411700/" in page.locator("#items tbody tr td.mono").first.inner_text()
    page.step("campaign-created")

    page.click("#import")
    page.wait_for_url("**/counts/import/")
    assert page.locator("#columns").inner_text() == "，".join(COUNT_COLUMNS)
    page.set_input_files("#id_file", str(sheets["bad"]))
    page.click("main button[type=submit]")
    page.wait_for_selector("#errors")
    assert page.locator("#errors tbody tr td").all_inner_texts()[:2] == ["2", "日期"]
    page.step("bad-sheet-refused")

    page.set_input_files("#id_file", str(sheets["good"]))
    page.click("main button[type=submit]")
    page.wait_for_url("**/culture/campaigns/*/")
    assert "新增2" in page.locator(".messages").inner_text()
    assert page.locator('[data-figure="reads"]').inner_text() == "150"
    assert page.locator('[data-figure="shares"]').inner_text() == "10"
    page.step("counts-imported")
