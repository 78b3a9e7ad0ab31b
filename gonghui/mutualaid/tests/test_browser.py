"""In a real browser (Debian's chromium): an officer files a claim with a PDF, a city
reviewer approves it, a city officer (not the one who filed it) pays it, and the paid amount is in the city's figures."""

import os
from types import SimpleNamespace

import pytest

from conftest import log_in
from gonghui.members.services import reveal_id_number
from gonghui.mutualaid.models import Claim

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# fixtures here are ordinary blocking calls, not made from a coroutine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The live server only sees committed data, so this test cannot run in a rollback.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(
    transactional_db, enrolment, reviewer, yicheng_officer, zhumadian_officer, settings, tmp_path
):
    """Built before the browser starts: 张东青 enrolled in 驻马店's 2026 plan."""
    settings.UPLOAD_DIR = tmp_path
    pdf = tmp_path / "诊断证明.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    number = reveal_id_number(by=yicheng_officer, worker=enrolment.worker)
    return SimpleNamespace(plan=enrolment.plan, number=number, pdf=pdf)


def logged_in(chromium, live_server, username: str):
    page = chromium.new_context(viewport={"width": 1100, "height": 800}, locale="zh-CN").new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, username)
    page.wait_for_load_state()
    return page


def click_step(page, label: str) -> None:
    page.locator("#actions button", has_text=label).click()
    page.wait_for_load_state()


def test_claim_filed_with_a_pdf_approved_paid_and_counted_for_the_city(
    live_server, scene, chromium
):
    officer = logged_in(chromium, live_server, "yicheng")
    officer.goto(f"{live_server.url}/mutualaid/claims/new/")
    officer.select_option("#id_plan", str(scene.plan.pk))
    officer.fill("#id_id_number", scene.number)
    officer.select_option("#id_category", "恶性肿瘤")
    officer.fill("#id_diagnosed_on", "2026-05-10")
    officer.fill("#id_hospital", "驻马店市中心医院")
    officer.fill("#id_diagnosis", "肺腺癌")
    officer.fill("#id_claimed", "80000")
    officer.set_input_files("#id_document", str(scene.pdf))
    officer.click("form.card button[type=submit]")
    officer.wait_for_url("**/mutualaid/claims/*/")
    assert "诊断证明.pdf" in officer.locator("#documents").inner_text()
    click_step(officer, "提交")
    click_step(officer, "基层核实")
    claim = Claim.objects.get()

    reviewer = logged_in(chromium, live_server, "zmd_reviewer")
    reviewer.goto(f"{live_server.url}/mutualaid/")
    reviewer.click(f'tr[data-claim="{claim.pk}"] a')
    assert "******" in reviewer.locator("#diagnosis").inner_text()
    click_step(reviewer, "批准")
    assert "50,000.00" in reviewer.locator("#approved").inner_text()
    assert "给付标准50,000.00元" in reviewer.locator("#rule").inner_text()

    officer.reload()  # four eyes: who filed and checked it is offered no payment
    assert officer.locator("#actions button", has_text="发放").count() == 0
    payer = logged_in(chromium, live_server, "zhumadian")
    payer.goto(f"{live_server.url}/mutualaid/claims/{claim.pk}/")
    click_step(payer, "发放")
    assert payer.locator("#state").inner_text() == "已发放"
    assert payer.locator("#payout").inner_text().startswith("HZ2026")

    reviewer.goto(f"{live_server.url}/mutualaid/figures/?year=2026")
    paid = reviewer.locator('[data-indicator="mutualaid.paid"] .units')
    assert paid.inner_text() == "50,000.00 元"
    assert reviewer.locator('[data-indicator="mutualaid.payees"] strong').inner_text() == "1人"
    assert "50,000.00" in reviewer.locator('table.drill tr[data-org="411702"]').inner_text()
