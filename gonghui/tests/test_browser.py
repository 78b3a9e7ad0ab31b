"""The console in a real browser (Debian's chromium): search by initials, masked ID, scope 404."""

import os
from types import SimpleNamespace

import pytest

from conftest import log_in

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# fixtures here are ordinary blocking calls, not made from a coroutine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The live server only sees committed data, so this test cannot run in a rollback.
# No skip when chromium is missing: scripts/test.sh installs it, and a browser test
# that quietly skips would prove nothing.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def roster(transactional_db, make_worker, yicheng_officer):
    """Built before the browser starts: ORM work inside Playwright's greenlet would open a
    second database connection that outlives the test (PostgreSQL then cannot drop the
    test database)."""
    from gonghui.core.crypto import decrypt
    from gonghui.members.validation import ID_PURPOSE

    zhang = make_worker("张东青", org="411702")
    make_worker("李桂英", org="411702")
    luoyang = make_worker("王洛阳", org="410300")
    return SimpleNamespace(
        zhang=zhang, luoyang=luoyang, clear=decrypt(zhang.id_cipher, purpose=ID_PURPOSE)
    )


@pytest.fixture
def browser_page(chromium):
    return chromium.new_page(viewport={"width": 1100, "height": 760}, locale="zh-CN")


def test_yicheng_officer_finds_a_worker_by_initials_sees_a_masked_id_and_not_luoyang(
    live_server, roster, browser_page
):
    zhang, luoyang, clear = roster.zhang, roster.luoyang, roster.clear
    page = browser_page

    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    log_in(page, "yicheng")
    page.wait_for_selector("#todos")  # the home page: what waits for the officer
    page.click("nav.mainnav >> text=职工名册")
    page.wait_for_url("**/workers/")
    assert page.locator("#total").inner_text() == "2"

    # htmx replaces the results as the officer types; no submit needed.
    page.fill("#id_q", "zdq")
    page.wait_for_function("() => document.querySelector('#total').innerText === '1'")
    assert "q=zdq" in page.url
    page.set_viewport_size({"width": 390, "height": 760})  # a phone
    page.screenshot(path="/tmp/console-phone.png", full_page=True)
    page.set_viewport_size({"width": 1100, "height": 760})
    page.click("text=张东青")
    page.wait_for_url(f"**/workers/{zhang.pk}/")

    shown = page.locator("#id-number").inner_text()
    assert shown == zhang.id_masked and shown.startswith("4117**********")
    assert clear not in page.content()
    page.screenshot(path="/tmp/console.png", full_page=True)

    response = page.goto(f"{live_server.url}/workers/{luoyang.pk}/")
    assert response.status == 404
    assert "页面不存在" in page.content() and "王洛阳" not in page.content()
