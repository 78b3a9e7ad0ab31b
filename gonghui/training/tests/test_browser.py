"""The waiting-list story on a phone, in a real browser (Debian's chromium).

A worker applies for a full class and is told 候补第1位; another worker, on
their own phone, cancels; the first worker's page then shows the seat.
"""

import os
from types import SimpleNamespace

import pytest

from gonghui.core.portal import issue_portal_token
from gonghui.training.services import WorkerActor, enrol

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# fixtures here are ordinary blocking calls, not made from a coroutine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 760}


@pytest.fixture
def full_class(transactional_db, make_class, make_worker):
    """Built before the browser starts (see gonghui/tests/test_browser.py for why)."""
    klass = make_class("太极入门班", capacity=5)
    seated = [make_worker(f"学员{i}", org="411702") for i in range(5)]
    for worker in seated:
        enrol(by=WorkerActor(worker.pk), klass=klass, worker=worker, channel="portal")
    latecomer = make_worker("刘候补", org="411702")
    return SimpleNamespace(
        klass=klass,
        leaver_link=f"/training/m/enter/{issue_portal_token(seated[2].pk)}/",
        latecomer_link=f"/training/m/enter/{issue_portal_token(latecomer.pk)}/",
        latecomer=latecomer,
    )


def test_a_worker_waits_for_a_full_class_and_gets_the_seat_another_gives_up(
    live_server, full_class, chromium
):
    base = live_server.url
    mine = chromium.new_context(viewport=PHONE, locale="zh-CN").new_page()
    mine.goto(base + full_class.latecomer_link)
    mine.wait_for_url("**/training/m/")
    mine.click("text=太极入门班")
    mine.wait_for_selector("#enrol")  # the class page, not the list still unloading
    assert "已满" in mine.content()
    mine.click("#enrol")
    mine.wait_for_selector("#status")
    assert mine.locator("#status").inner_text() == "候补第1位"
    mine.screenshot(path="/tmp/training-waiting.png", full_page=True)

    theirs = chromium.new_context(viewport=PHONE, locale="zh-CN").new_page()
    theirs.goto(base + full_class.leaver_link)
    theirs.click("text=太极入门班")
    assert theirs.locator("#status").inner_text() == "已录取"
    theirs.click("#cancel")
    theirs.wait_for_selector("#enrol")
    assert "已取消报名" in theirs.content()

    mine.reload()
    assert mine.locator("#status").inner_text() == "已录取"
    mine.screenshot(path="/tmp/training-seated.png", full_page=True)
    mine.goto(base + "/training/m/")
    assert "已录取" in mine.locator(f"[data-class='{full_class.klass.pk}']").inner_text()
