"""In a real browser: a grassroots union's officer opens the cards page and downloads the PDF
of cards to print for a meeting (a screenshot per step under $GONGHUI_SHOTS)."""

import os
import subprocess
from types import SimpleNamespace

import pytest

from conftest import log_in

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# fixtures here are ordinary blocking calls, not made from a coroutine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The live server only sees committed data.
pytestmark = pytest.mark.django_db(transaction=True)
NAMES = ("张东青", "李桂英", "王建国")


@pytest.fixture
def meeting(transactional_db, grassroots, make_worker, staff):
    """Built before the browser starts: the union, its three workers and its officer."""
    workers = [make_worker(name, org=grassroots.code) for name in NAMES]
    staff("union_officer", grassroots.code)
    return SimpleNamespace(union=grassroots, workers=workers)


def test_the_union_officer_prints_the_cards_for_a_meeting(
    live_server, meeting, console_page, tmp_path
):
    page = console_page
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, "union_officer")
    page.wait_for_selector("#todos")
    page.step("logged-in")

    page.goto(f"{live_server.url}/orgs/{meeting.union.code}/")  # the union's page in the tree
    page.step("union-page")
    page.click("#union-cards")
    assert page.locator("h1").inner_text().startswith("驿城区环卫处工会 · 发放工会卡")
    assert page.locator("#total").inner_text() == "3"
    links = page.locator("a.portal-link")
    assert links.count() == 3
    assert all(f"{live_server.url}/training/m/enter/" in t for t in links.all_inner_texts())
    assert set(page.locator("#cards tbody td:first-child").all_inner_texts()) == set(NAMES)
    page.step("cards-page")

    with page.expect_download() as download:
        page.click("#cards-pdf")
    assert download.value.suggested_filename.startswith(f"工会卡-{meeting.union.code}-")
    pdf = tmp_path / "cards.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert text.count("驿城区环卫处工会") == 3 and all(name in text for name in NAMES)
    picture = tmp_path / "page"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(picture),
        ],
        check=True,
    )
    page.goto(f"file://{picture}.png")  # the printed page, as the next screenshot
    page.step("pdf-page-1")
