"""The Content Security Policy in a real browser (Debian's chromium): the main pages of the
demo load and run their scripts with no violation reported, and the policy does block an
inline script, so a page that needed one would fail here."""

import io
import os

import pytest
from django.core.management import call_command

from conftest import log_in
from gonghui.cli.management.commands.demo import DEMO_PASSWORD
from gonghui.members.models import Worker
from gonghui.programs.models import Program
from gonghui.stations.models import Station

# Playwright's sync API runs an event loop in this thread; the fixtures' ORM calls block.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.django_db(transaction=True)

# Every violation the page sees, from the DOM event (the console line is checked too).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def demo(transactional_db):
    call_command("demo", "--no-serve", "--workers", "40", stdout=io.StringIO())


def pages() -> list[str]:
    worker = Worker.objects.order_by("pk").first()
    station = Station.objects.order_by("pk").first()
    program = Program.objects.order_by("pk").first()
    return [
        "/",
        "/workers/",
        f"/workers/{worker.pk}/",
        f"/programs/cards/{worker.pk}/",
        "/programs/",
        f"/programs/{program.pk}/",
        "/orgs/",
        "/stations/",
        "/stations/map/",
        "/stations/coverage/",
        f"/stations/{station.pk}/",
        "/stations/m/",
        f"/stations/m/{station.pk}/",
        "/mutualaid/",
        "/rights/",
        "/training/",
        "/culture/",
        "/reports/",
        "/audit/",
        "/no-such-page/",
    ]


def test_main_pages_report_no_csp_violation(live_server, demo, chromium):
    urls = pages()
    page = chromium.new_page(locale="zh-CN", geolocation={"latitude": 32.98, "longitude": 114.02})
    page.context.grant_permissions(["geolocation"])
    page.add_init_script(WATCH)
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, "admin", DEMO_PASSWORD)  # the password, then a recovery code
    page.wait_for_url(lambda url: "/accounts/" not in url)
    seen = {}
    for url in urls:
        response = page.goto(f"{live_server.url}{url}", wait_until="networkidle")
        assert response.status == (404 if url == "/no-such-page/" else 200), url
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        seen[url] = page.evaluate("window.__violations")
    assert {url: v for url, v in seen.items() if v} == {}
    assert [line for line in console if "Content Security Policy" in line] == []

    # The check above could not pass by accident: an injected inline script is blocked
    # and reported, both as the event and on the console.
    page.goto(f"{live_server.url}/workers/", wait_until="networkidle")
    page.evaluate(
        """() => { const s = document.createElement("script");
        s.textContent = "window.__ran = 1"; document.body.appendChild(s); }"""
    )
    page.wait_for_function("() => window.__violations.length > 0")
    assert page.evaluate("window.__ran") is None
    assert page.evaluate("window.__violations")[0].startswith("script-src")
    assert any("Content Security Policy" in line for line in console)
    page.close()
