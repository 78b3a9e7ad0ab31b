"""The station map on a phone, in a real browser (Debian's chromium), with the browser's
position mocked and tiles that cannot load: the nearest stations still list in order."""

import os

import pytest

from conftest import PASSWORD
from gonghui.stations.vocabulary import facility_bit

# Playwright's sync API runs an event loop in this thread; the fixtures' ORM calls block.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
CHROMIUM = "/usr/bin/chromium"
HERE = {"latitude": 32.9800, "longitude": 114.0200}  # WGS-84, as a phone reports it

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stations(transactional_db, station, zhumadian_officer):
    """Built before the browser starts: three stations 300 m, 1.1 km and 2.2 km away."""
    hot = facility_bit("热饭")
    return [
        station("三百米外饮水驿站", lat=32.9827, lng=114.02, facilities=facility_bit("饮水")),
        station("一公里外热饭驿站", lat=32.9900, lng=114.02, facilities=hot),
        station("两公里外热饭驿站", lat=33.0000, lng=114.02, facilities=hot),
    ]


@pytest.fixture
def phone():
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"]  # fmt: skip
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(
            viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
            has_touch=True, geolocation=HERE, permissions=["geolocation"],
        )  # fmt: skip
        yield page
        browser.close()


def test_near_me_lists_nearest_in_order_filters_to_hot_food_and_opens_one(
    live_server, stations, phone, settings
):
    settings.STATION_TILES_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing listens there
    page = phone
    page.goto(f"{live_server.url}/stations/map/")
    page.fill("#id_username", "zhumadian")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/stations/map/")
    assert page.locator("#station-list li").count() == 3

    page.click("#near-me")
    page.wait_for_function("document.querySelector('#station-list li[data-distance]')")
    names = page.locator("#station-list li a").all_inner_texts()
    assert names == ["三百米外饮水驿站", "一公里外热饭驿站", "两公里外热饭驿站"]
    distances = [float(d) for d in page.locator("#station-list li").evaluate_all(
        "items => items.map(li => li.dataset.distance)")]  # fmt: skip
    assert distances == sorted(distances) and 250 < distances[0] < 350

    page.select_option("#facility", "热饭/微波炉")
    page.wait_for_function("document.querySelectorAll('#station-list li').length === 2")
    assert page.locator("#station-list li a").all_inner_texts() == [
        "一公里外热饭驿站",
        "两公里外热饭驿站",
    ]

    page.locator("#station-list li a").first.click()
    page.wait_for_url("**/stations/*/")
    assert page.locator("h1").inner_text() == "一公里外热饭驿站"
    assert "热饭/微波炉" in page.locator("#facilities").inner_text()
