"""In a real browser: an officer issues an API token, sees it once, a program calls the API
with it, the officer revokes it and the API refuses it."""

import os

import pytest

from conftest import log_in

# Playwright's sync API runs an event loop in this thread; the fixtures' ORM calls are
# ordinary blocking calls, not made from a coroutine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The live server sees committed data only.
pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_issues_uses_and_revokes_a_token(live_server, yicheng_officer, console_page):
    page = console_page
    page.goto(f"{live_server.url}/accounts/password/")
    log_in(page, "yicheng")
    page.wait_for_url("**/accounts/password/")
    page.click("main >> text=API令牌")
    page.wait_for_url("**/accounts/tokens/")
    assert "还没有令牌" in page.locator("#my-tokens").inner_text()
    page.step("tokens-empty")

    page.fill("#id_name", "考勤机对接")
    page.click("main button:has-text('签发')")
    page.wait_for_selector("#new-token")
    key = page.locator("#new-token").inner_text().strip()
    assert len(key) >= 40
    page.step("token-shown-once")

    def api_status() -> int:
        answer = page.request.get(
            f"{live_server.url}/api/workers", headers={"Authorization": f"Bearer {key}"}
        )
        return answer.status

    assert api_status() == 200

    page.click("text=返回API令牌")
    page.wait_for_url("**/accounts/tokens/")
    row = page.locator("#my-tokens tbody tr", has_text="考勤机对接")
    assert key not in page.content()
    page.step("token-listed")

    row.locator("button:has-text('吊销')").click()
    page.wait_for_function("() => document.querySelector('.messages') !== null")
    assert "已吊销令牌“考勤机对接”" in page.locator(".messages").inner_text()
    assert "还没有令牌" in page.locator("#my-tokens").inner_text()
    page.step("token-revoked")
    assert api_status() == 401
