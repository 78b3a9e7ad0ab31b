"""In a real browser (Debian's chromium), each person at their own job: the city officer sets
up 驻马店's plan on the page and finds it in the 参保登记 dropdown; a grassroots agent uploads
a roster for it; the city's reviewer sees it counted on the home page (the count is the
list's length), opens it and approves it, and the workers are enrolled."""

import os
from types import SimpleNamespace

import pytest

from conftest import log_in
from gonghui.core.tabular import write_csv
from gonghui.mutualaid.importers import ROSTER_COLUMNS
from gonghui.mutualaid.models import Enrolment, Plan

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# fixtures here are ordinary blocking calls, not made from a coroutine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

# The live server only sees committed data, so this test cannot run in a rollback.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(transactional_db, agent_and_workers, zhumadian_officer, reviewer, tmp_path):
    """Built before the browser starts: no plan yet, and the agent's roster file of three
    workers who paid on 2026-01-10."""
    agent, workers, numbers = agent_and_workers
    roster = write_csv(
        tmp_path / "参保名册.csv",
        ROSTER_COLUMNS,
        [[w.name, n, "2026-01-10"] for w, n in zip(workers, numbers, strict=True)],
    )
    return SimpleNamespace(agent=agent, roster=roster)


def sign_in(page, live_server, username: str) -> None:
    """Sign out whoever is at the screen, then sign in as ``username``."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, username)
    page.wait_for_url(lambda url: "/accounts/" not in url)


def test_a_plan_set_up_on_the_page_takes_a_roster_the_city_approves(
    live_server, scene, console_page
):
    page = console_page
    sign_in(page, live_server, "zhumadian")
    page.goto(f"{live_server.url}/mutualaid/enrol/")
    assert "还没有您可以选择的互助保障计划" in page.locator("#no-plan").inner_text()
    page.step("参保登记-尚无计划")

    page.locator("#no-plan a", has_text="设立计划").click()
    page.wait_for_url("**/mutualaid/plans/new/")
    page.fill("#id_org_code", "411700")
    page.fill("#id_year", "2026")
    page.fill("#id_name", "2026年驻马店市职工重大疾病互助保障")
    page.fill("#id_contribution", "50")
    page.fill("#id_enrol_opens", "2025-11-01")
    page.fill("#id_enrol_closes", "2026-03-31")
    page.fill("#id_cover_starts", "2026-01-01")
    page.fill("#id_cover_ends", "2026-12-31")
    page.fill("#id_annual_cap", "60000")
    page.fill("#id_waiting_days", "90")
    page.fill("#id_benefits", "恶性肿瘤 50000\n急性心肌梗死 30000")
    page.step("设立计划-填写")
    page.click("form.card button[type=submit]")
    page.wait_for_url("**/mutualaid/plans/")
    plan = Plan.objects.get()
    row = page.locator(f'#plans tr[data-plan="{plan.pk}"]').inner_text()
    assert "驻马店市总工会" in row and "恶性肿瘤 50,000.00" in row
    page.step("计划列表")

    page.goto(f"{live_server.url}/mutualaid/enrol/")
    assert page.locator("#no-plan").count() == 0
    options = page.locator("#id_plan option").all_inner_texts()
    assert options == ["2026 · 2026年驻马店市职工重大疾病互助保障"]
    page.step("参保登记-可选计划")

    sign_in(page, live_server, "agent")
    page.goto(f"{live_server.url}/mutualaid/rosters/new/")
    assert (
        page.locator("#template").get_attribute("href")
        == "/console/fill-in.xlsx?kind=aid-enrolments"
    )
    page.select_option("#id_plan", str(plan.pk))
    page.set_input_files("#id_file", str(scene.roster))
    page.step("上传名册")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith(f"/mutualaid/rosters/{plan.rosters.get().pk}/")
    assert page.locator("#state").inner_text() == "待上级审核"
    assert page.locator("#review").count() == 0  # the union above reviews it, not the agent
    page.step("名册已报送")

    sign_in(page, live_server, "zmd_reviewer")
    page.goto(f"{live_server.url}/")
    todo = page.locator('[data-todo="rosters"]')
    assert todo.locator("strong").inner_text() == "1"
    page.step("工作台-待审核名册")
    todo.locator("a").click()
    page.wait_for_url("**/mutualaid/rosters/?state=waiting")
    assert page.locator("#rosters tr[data-roster]").count() == 1
    page.step("待我审核的名册")
    with page.expect_navigation():
        page.locator("#rosters tr[data-roster] a").click()
    assert page.locator("#rows tr[data-row]").count() == 3
    page.step("名册明细")
    with page.expect_navigation():
        page.click("#accept")
    assert page.locator("#state").inner_text() == "已审核"
    assert page.locator("#review").count() == 0
    assert Enrolment.objects.filter(plan=plan).count() == 3
    page.step("审核通过")
    page.goto(f"{live_server.url}/")
    assert page.locator('[data-todo="rosters"] strong').inner_text() == "0"
