"""The check-in page on a phone, in a real browser (Debian's chromium): ✓, then the refusal."""

import os
from types import SimpleNamespace

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, log_in
from gonghui.accounts.models import Role
from gonghui.members.cards import issue_card_token
from gonghui.members.categories import BY_NAME

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# fixtures here are ordinary blocking calls, not made from a coroutine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


# The live server only sees committed data, so this test cannot run in a rollback.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def breakfast_shop(transactional_db, program, point, staff, make_worker):
    """Built before the browser starts (see gonghui/tests/test_browser.py for why)."""
    breakfast = program("环卫工人免费早餐", categories=BY_NAME["环卫工人"].bit, unit_cost_fen=500)
    clerk = staff("shop_clerk", "411702", Role.POINT_STAFF)
    shop = point("驿城区早餐店", programs=[breakfast], staff=[clerk])
    worker = make_worker("张东青", org="411702")
    return SimpleNamespace(breakfast=breakfast, shop=shop, clerk=clerk, worker=worker)


def open_phone(*, camera: bool = False):
    """A phone-sized page; ``camera`` adds Chromium's fake camera, allowed without asking."""
    from playwright.sync_api import sync_playwright

    args = list(CHROMIUM_ARGS)
    if camera:
        args += ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        page = browser.new_page(
            viewport={"width": 390, "height": 844},
            locale="zh-CN",
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
        )
        yield page
        browser.close()


@pytest.fixture
def phone():
    yield from open_phone()


@pytest.fixture
def phone_with_camera():
    yield from open_phone(camera=True)


def log_in_as_clerk(page, live_server) -> None:
    page.goto(f"{live_server.url}/programs/checkin/")
    assert "/accounts/login/" in page.url
    log_in(page, "shop_clerk")
    page.wait_for_url("**/programs/checkin/")


def test_point_clerk_checks_a_worker_in_on_a_phone_then_sees_the_refusal(
    live_server, breakfast_shop, phone
):
    shop = breakfast_shop
    token = issue_card_token(shop.worker.pk)
    page = phone

    log_in_as_clerk(page, live_server)

    # The clerk's only point and program is preselected; the cursor waits in the token box.
    assert page.locator("#id_choice").input_value() == f"{shop.shop.pk}:{shop.breakfast.pk}"
    assert page.evaluate("document.activeElement.id") == "id_token"
    first_request = page.locator("input[name=request_id]").input_value()
    # Without BarcodeDetector (Chromium on Linux) the 扫码 button gives way to a hint.
    has_detector = page.evaluate("'BarcodeDetector' in window")
    assert page.locator("#scan-button").is_visible() == has_detector
    assert page.locator("#scan-unsupported").is_visible() != has_detector

    page.fill("#id_token", token)
    page.press("#id_token", "Enter")  # what a USB/Bluetooth scanner sends after the code
    result = page.locator("#checkin-result")
    result.wait_for()
    assert "ok" in result.get_attribute("class")
    assert "✓" in result.inner_text() and "张*青" in result.inner_text()
    assert "张东青" not in page.content()
    # htmx swapped in a fresh form: empty box, a new request id, focus back in the box.
    assert page.locator("#id_token").input_value() == ""
    assert page.locator("input[name=request_id]").input_value() != first_request
    page.screenshot(path="/tmp/checkin-ok.png", full_page=True)

    page.fill("#id_token", token)
    page.click("#checkin-form button[type=submit]")
    page.wait_for_selector("#checkin-result.refused")
    refused = page.locator("#checkin-result").inner_text()
    assert "张*青" in refused and "今天已在驿城区早餐店享受过本项目" in refused
    page.screenshot(path="/tmp/checkin.png", full_page=True)

    # Nothing else of the console exists for a point clerk.
    response = page.goto(f"{live_server.url}/programs/")
    assert response.status == 404


# Chromium on Linux has no BarcodeDetector; this stand-in reads "the card" off the fake
# camera once the video plays, so the page's own camera code runs end to end.
FAKE_DETECTOR = """
window.BarcodeDetector = class {
  constructor(options) { this.formats = options.formats; }
  async detect(video) {
    return video.readyState >= 2 && video.videoWidth ? [{rawValue: window.__card}] : [];
  }
};
"""


def test_scan_button_reads_the_card_with_the_camera_and_checks_in(
    live_server, breakfast_shop, phone_with_camera
):
    shop = breakfast_shop
    page = phone_with_camera
    page.add_init_script(f"window.__card = {issue_card_token(shop.worker.pk)!r};" + FAKE_DETECTOR)
    log_in_as_clerk(page, live_server)
    assert page.locator("#scan-unsupported").is_hidden()
    page.click("#scan-button")
    page.wait_for_selector("#checkin-result.ok")
    assert "张*青" in page.locator("#checkin-result").inner_text()
    assert page.locator("#scanner").is_hidden()  # the camera is closed again
    assert page.evaluate("document.getElementById('scanner-video').srcObject") is None
