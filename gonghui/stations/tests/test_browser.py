"""The station map on a phone, in a real browser (Debian's chromium), with the browser's
position mocked and tiles that cannot load: the nearest stations still list in order, on
the console's map and on the workers' public page."""

import io
import os

import pytest
import segno
from django.utils import timezone

from conftest import log_in
from gonghui.stations.models import Status
from gonghui.stations.services import add_photo, close_on
from gonghui.stations.vocabulary import facility_bit, kind_bit

# Playwright's sync API runs an event loop in this thread; the fixtures' ORM calls block.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
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
def phone(chromium):
    return chromium.new_page(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        is_mobile=True,
        has_touch=True,
        geolocation=HERE,
        permissions=["geolocation"],
    )


def test_near_me_lists_nearest_in_order_filters_to_hot_food_and_opens_one(
    live_server, stations, phone, settings
):
    settings.STATION_TILES_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing listens there
    page = phone
    page.goto(f"{live_server.url}/stations/map/")
    log_in(page, "zhumadian")
    page.wait_for_url("**/stations/map/")
    assert page.locator("#station-list li").count() == 3

    page.click("#near-me")
    page.wait_for_function("() => document.querySelector('#station-list li[data-distance]')")
    names = page.locator("#station-list li a").all_inner_texts()
    assert names == ["三百米外饮水驿站", "一公里外热饭驿站", "两公里外热饭驿站"]
    distances = [
        float(d)
        for d in page.locator("#station-list li").evaluate_all(
            "items => items.map(li => li.dataset.distance)"
        )
    ]
    assert distances == sorted(distances) and 250 < distances[0] < 350

    page.select_option("#facility", "热饭/微波炉")
    page.wait_for_function("() => document.querySelectorAll('#station-list li').length === 2")
    assert page.locator("#station-list li a").all_inner_texts() == [
        "一公里外热饭驿站",
        "两公里外热饭驿站",
    ]

    page.locator("#station-list li a").first.click()
    page.wait_for_url("**/stations/*/")
    assert page.locator("h1").inner_text() == "一公里外热饭驿站"
    assert "热饭/微波炉" in page.locator("#facilities").inner_text()


def a_png() -> bytes:
    """A real (decodable) PNG for the browser to draw: a QR code, as segno writes it."""
    buffer = io.BytesIO()
    segno.make("驿站").save(buffer, kind="png", scale=4)
    return buffer.getvalue()


@pytest.fixture
def more_stations(stations, station, province_admin, settings, tmp_path):
    """Built before the browser starts (database work inside Playwright's event loop would
    open a connection of its own that nobody closes): a suspended station and one closed
    today, both nearer than the rest, and a photo of the 1.1 km one."""
    settings.UPLOAD_DIR = tmp_path
    station("暂停的驿站", lat=32.9810, lng=114.02, status=Status.SUSPENDED)
    shut = station("今天闭站的驿站", lat=32.9805, lng=114.02, kinds=kind_bit("换电"))
    close_on(by=province_admin, station=shut, day=timezone.localdate(), reason="维修")
    add_photo(by=province_admin, station=stations[1], filename="门口.png", data=a_png())


def test_workers_public_page_lists_nearest_open_stations_without_login(
    live_server, more_stations, phone, settings
):
    settings.STATION_TILES_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # nothing listens there
    page = phone
    page.goto(f"{live_server.url}/stations/m/")  # no login: the page locates the phone at once
    page.wait_for_function("() => document.querySelector('#station-list li[data-distance]')")
    names = page.locator("#station-list li a").all_inner_texts()
    assert names == ["三百米外饮水驿站", "一公里外热饭驿站", "两公里外热饭驿站"]
    # The tiles never load; the markers are drawn all the same, one per station listed.
    assert page.locator("#map").is_visible()
    assert page.locator("#map path.leaflet-interactive").count() == 3

    page.uncheck("#open-now")
    page.wait_for_function("() => document.querySelectorAll('#station-list li').length === 4")
    assert page.locator("#station-list li").nth(0).inner_text().startswith("今天闭站的驿站")
    assert "未开放" in page.locator("#station-list li").nth(0).inner_text()
    assert "骑手换电" in page.locator("#station-list li").nth(0).inner_text()

    page.check("#open-now")
    page.select_option("#facility", "热饭/微波炉")
    page.wait_for_function("() => document.querySelectorAll('#station-list li').length === 2")
    assert page.locator("#station-list li a").all_inner_texts() == [
        "一公里外热饭驿站",
        "两公里外热饭驿站",
    ]
    page.locator("#station-list li a").first.click()
    page.wait_for_url("**/stations/m/*/")
    assert page.locator("h1").inner_text() == "一公里外热饭驿站"
    assert "热饭/微波炉" in page.locator("#facilities").inner_text()
    photo = page.locator("#photos img")
    photo.wait_for()
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")
