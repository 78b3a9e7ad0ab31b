"""The report card in a real browser: the province admin clicks a city on the map and
its bar, then a county,
downloads the Excel and the PDF; a screenshot of each level and the PDF's first page as PNG
are saved under /tmp/gonghui-report/."""

import os
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import log_in

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/gonghui-report")


def click_bar(page, chart: str, name: str) -> None:
    """Click the bar of ``name`` in the chart ``chart`` (a CSS selector), where a user would."""
    page.locator(chart).scroll_into_view_if_needed()
    box = page.locator(chart).bounding_box()
    x, y = page.evaluate(
        """([selector, name]) => {
            const chart = echarts.getInstanceByDom(document.querySelector(selector));
            const option = chart.getOption();
            const index = option.xAxis[0].data.indexOf(name);
            const top = chart.convertToPixel({seriesIndex: 0}, [index, option.series[0].data[index]]);
            const bottom = chart.convertToPixel({seriesIndex: 0}, [index, 0]);
            return [top[0], (top[1] + bottom[1]) / 2];
        }""",
        [chart, name],
    )
    page.mouse.click(box["x"] + x, box["y"] + y)


def click_area(page, chart: str, name: str) -> None:
    """Click the middle of the city ``name`` on the map ``chart``, where a user would."""
    page.locator(chart).scroll_into_view_if_needed()
    box = page.locator(chart).bounding_box()
    x, y = page.evaluate(
        """([selector, name]) => {
            const chart = echarts.getInstanceByDom(document.querySelector(selector));
            const area = echarts.getMap("province").geoJSON.features.find(
                (f) => f.properties.name === name);
            return chart.convertToPixel({seriesIndex: 0}, area.properties.cp);
        }""",
        [chart, name],
    )
    page.mouse.click(box["x"] + x, box["y"] + y)


def click_until(page, click, url: str) -> None:
    """``click`` (a hit on a chart's canvas) until the page opens ``url``: measured again
    when charts still drawing moved the page under the first one."""
    for attempt in range(3):
        click()
        try:
            page.wait_for_url(url, timeout=10_000)
            return
        except PlaywrightTimeout:
            assert attempt < 2, f"the click did not open {url}"


def test_province_admin_drills_down_and_downloads(live_server, world, province_admin, chromium):
    SHOTS.mkdir(exist_ok=True)
    page = chromium.new_context(
        viewport={"width": 1200, "height": 900}, locale="zh-CN", accept_downloads=True
    ).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, "province")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/reports/?year=2026")
    page.wait_for_selector("#charts[data-loaded='1']", state="attached")
    assert "为3名环卫工人提供免费早餐5人次" in page.locator("#sentences").inner_text()
    page.wait_for_selector(".chart-map[data-drawn='1']", state="attached")
    page.screenshot(path=SHOTS / "1-province.png", full_page=True)

    page.wait_for_load_state("networkidle")  # every chart drawn: the layout holds still
    zhumadian = "**/reports/?org=411700&year=2026"
    click_until(
        page, lambda: click_area(page, ".chart-map[data-module='普惠服务']", "驻马店市"), zhumadian
    )
    page.goto(f"{live_server.url}/reports/?year=2026", wait_until="networkidle")
    page.wait_for_selector("#charts[data-loaded='1']", state="attached")

    # 驻马店's bar in the programmes' chart (health checks: one rider there, none in 洛阳).
    click_until(
        page,
        lambda: click_bar(page, ".chart-children[data-module='普惠服务']", "驻马店市总工会"),
        zhumadian,
    )
    page.wait_for_selector("#charts[data-loaded='1']", state="attached")
    assert "为2名环卫工人提供免费早餐4人次" in page.locator("#sentences").inner_text()
    page.screenshot(path=SHOTS / "2-city.png", full_page=True)

    page.locator("section[data-module='普惠服务'] table.drill").get_by_text("驿城区总工会").click()
    page.wait_for_url("**/reports/?org=411702&year=2026")
    page.wait_for_selector("#charts[data-loaded='1']", state="attached")
    assert page.locator("#trail").inner_text().split() == [
        "河南省总工会",
        "驻马店市总工会",
        "驿城区总工会",
    ]
    page.screenshot(path=SHOTS / "3-county.png", full_page=True)

    with page.expect_download() as excel:
        page.click("#export-xlsx")
    book = load_workbook(BytesIO(Path(excel.value.path()).read_bytes()))
    assert book["成绩单"]["A1"].value == "驿城区总工会2026年成绩单"
    with page.expect_download() as pdf:
        page.click("#export-pdf")
    pdf_path = SHOTS / "card.pdf"
    excel.value.save_as(SHOTS / "card.xlsx")
    pdf.value.save_as(pdf_path)
    subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", "80", "-png", "-singlefile", str(pdf_path),
         str(SHOTS / "card-page1")],
        check=True,
    )  # fmt: skip
    assert (SHOTS / "card-page1.png").stat().st_size > 10_000
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf_path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "驿城区总工会成绩单" in first_page
    fonts = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts  # Chinese drawn in Noto Sans CJK, not as boxes
