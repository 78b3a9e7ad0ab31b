"""修改预算 on the programme's page: the amount in 元 and a reason, through ``change_budget``;
the four-eyes refusal (the manager who set the budget in force) shown on the page; in a real
browser, one manager's change, that manager's refused second one, another's accepted."""

import os
from types import SimpleNamespace

import pytest
from django.urls import reverse

from conftest import log_in
from gonghui.audit.models import AuditEvent
from gonghui.programs.models import Program

# Playwright's sync API runs an event loop in this thread; the fixtures' ORM calls are
# ordinary blocking calls made before the browser starts.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture
def managers(staff, zhumadian_officer):
    """Two managers of 驻马店 and a city programme whose budget (1,000.00 元) the province
    admin set."""
    return SimpleNamespace(first=zhumadian_officer, second=staff("zmd_second", "411700"))


@pytest.fixture
def breakfast(program):
    return program("驻马店环卫工人早餐", org="411700", unit_cost_fen=500, budget_fen=100_000)


def change(client, user, program, budget: str, reason: str = "追加年度预算"):
    client.force_login(user)
    return client.post(
        reverse("programs:budget", args=[program.pk]),
        {"budget": budget, "reason": reason},
        follow=True,
    )


@pytest.mark.django_db
def test_a_manager_changes_the_budget_in_yuan_and_the_same_manager_is_refused_next(
    client, managers, breakfast
):
    done = change(client, managers.first, breakfast, "2,500.50")
    assert "预算已改为2,500.50元" in done.content.decode()
    assert Program.objects.get(pk=breakfast.pk).budget_fen == 250_050
    event = AuditEvent.objects.get(action="change_budget")
    assert (event.actor_id, event.after) == (
        managers.first.pk,
        {"budget_fen": 250_050, "reason": "追加年度预算"},
    )

    refused = change(client, managers.first, breakfast, "3000").content.decode()
    assert "修改预算须由另一人办理：您已设定现行预算（双人复核）" in refused
    assert Program.objects.get(pk=breakfast.pk).budget_fen == 250_050

    change(client, managers.second, breakfast, "")  # blank: no budget
    assert Program.objects.get(pk=breakfast.pk).budget_fen is None


@pytest.mark.django_db
def test_a_reason_and_a_valid_amount_are_required_and_a_sibling_gets_404(
    client, managers, breakfast, luoyang_officer, yicheng_officer
):
    no_reason = change(client, managers.first, breakfast, "3000", reason="")
    assert "这个字段是必填项" in no_reason.content.decode()
    bad = change(client, managers.first, breakfast, "三千").content.decode()
    assert "不是有效金额" in bad
    assert Program.objects.get(pk=breakfast.pk).budget_fen == 100_000
    assert change(client, luoyang_officer, breakfast, "3000").status_code == 404
    client.force_login(yicheng_officer)  # a county officer sees the city's programme...
    page = client.get(reverse("programs:detail", args=[breakfast.pk])).content.decode()
    assert "修改预算" in page
    refused = change(client, yicheng_officer, breakfast, "3000")  # ...but may not change it
    assert Program.objects.get(pk=breakfast.pk).budget_fen == 100_000
    assert 'id="budget-refused"' in refused.content.decode()


@pytest.mark.django_db(transaction=True)
def test_in_a_browser_four_eyes_refuse_the_second_change_by_the_same_manager(
    live_server, managers, breakfast, console_page
):
    page = console_page
    url = f"{live_server.url}{reverse('programs:detail', args=[breakfast.pk])}"

    def set_budget(amount: str, reason: str) -> None:
        page.fill("#id_budget", amount)
        page.fill("#id_reason", reason)
        page.click("#budget button[type=submit]")
        page.wait_for_load_state()

    page.goto(url)
    log_in(page, managers.first.username)
    page.goto(url)
    assert "1000.00" == page.input_value("#id_budget")
    page.step("programme-page")
    set_budget("2500", "下半年新增两个早餐点")
    assert "预算已改为2,500.00元" in page.content()
    page.step("first-change-done")

    set_budget("3000", "再追加")
    refusal = page.locator("#budget-refused").inner_text()
    assert refusal == "修改预算须由另一人办理：您已设定现行预算（双人复核）"
    page.step("second-change-refused")

    page.click("header button:has-text('退出')")
    page.goto(url)
    log_in(page, managers.second.username)
    page.goto(url)
    set_budget("3000", "复核后追加")
    assert "预算已改为3,000.00元" in page.content()
    page.step("other-manager-change-done")
    assert Program.objects.get(pk=breakfast.pk).budget_fen == 300_000
