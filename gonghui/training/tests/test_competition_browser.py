"""A skill contest from set-up to honours, in a real browser (Debian's chromium), each job
done by the role that does it: the city union's officer sets the contest up, the county
officer enters two of the county's workers by ID number, the city officer records the
judges' marks and awards the title to the winner, and finds it in the craftsmen registry.
"""

import os
import random
from types import SimpleNamespace

import pytest

from conftest import log_in
from gonghui.members.generate import make_id
from gonghui.training.models import Competition, CraftsmanTitle

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# fixtures here are ordinary blocking calls, not made from a coroutine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def county(transactional_db, make_worker, zhumadian_officer, yicheng_officer):
    """Built before the browser starts (see gonghui/tests/test_browser.py for why): two
    workers of 驿城区 and the ID numbers their officer types."""
    numbers = [make_id(random.Random(seed), "411702") for seed in (1, 2)]
    for name, number in zip(["张东青", "李秀英"], numbers, strict=True):
        make_worker(name, org="411702", id_number=number)
    return SimpleNamespace(numbers=numbers)


def submit(page, button: str) -> None:
    """Click a form's button and wait for the page the POST answers (or redirects to)."""
    with page.expect_navigation():
        page.click(button)


def log_out(page) -> None:
    submit(page, "header .who button[type=submit]")  # 退出
    page.wait_for_url("**/accounts/login/**")


def test_a_contest_is_set_up_entered_marked_and_its_winner_honoured(
    live_server, county, console_page
):
    page = console_page
    page.goto(f"{live_server.url}/training/competitions/")
    log_in(page, "zhumadian")
    page.wait_for_url("**/training/competitions/")
    page.click("text=新建竞赛")
    page.wait_for_selector("#competition-form")
    page.fill("#id_name", "驻马店市环卫技能大赛")
    page.select_option("#id_tier", "city")
    page.fill("#id_trade", "环卫")
    page.fill("#id_theory_weight", "40")
    page.step("新建竞赛")
    submit(page, "#competition-form button[type=submit]")
    page.wait_for_selector("#ranking")
    assert "已新建竞赛“驻马店市环卫技能大赛”" in page.content()
    contest = Competition.objects.get()
    page.step("竞赛已建")
    log_out(page)

    # The county officer enters the county's workers (a refusal stays next to the number).
    page.goto(f"{live_server.url}/training/competitions/{contest.pk}/")
    log_in(page, "yicheng")
    page.wait_for_selector("#enter")
    assert page.locator("#award").count() == 0 and page.locator("#score").count() == 0
    for number in county.numbers:
        page.fill("#enter #id_id_number", number)
        submit(page, "#enter button[type=submit]")
    assert "李*英 已报名参赛" in page.content()
    page.fill("#enter #id_id_number", county.numbers[0])
    submit(page, "#enter button[type=submit]")
    page.wait_for_selector("#errors-id_number")
    assert "该职工已报名本竞赛" in page.locator("#errors-id_number").inner_text()
    page.step("报名两名职工")
    assert page.locator("#ranking tbody tr").count() == 2
    log_out(page)

    # The city officer records the judges' marks on the contest's page.
    page.goto(f"{live_server.url}/training/competitions/{contest.pk}/")
    log_in(page, "zhumadian")
    page.wait_for_selector("#score")
    marks = [("张*青", "theory", "90"), ("张*青", "practical", "95"), ("李*英", "theory", "80")]
    marks += [("李*英", "practical", "85")]
    for name, part, points in marks:
        entry = page.locator("#id_entry option", has_text=name).get_attribute("value")
        page.select_option("#id_entry", entry)
        page.fill("#id_judge", "王评委")
        page.select_option("#id_part", part)
        page.fill("#id_points", points)
        submit(page, "#score button[type=submit]")
    first = page.locator("#ranking tbody tr").first.inner_text()
    assert first.startswith("1") and "张*青" in first and "93.00" in first  # 0.4*90 + 0.6*95
    page.step("登记评分")

    # The contest was held today: its results give the title to the top place.
    page.wait_for_selector("#award")
    page.fill("#award #id_places", "1")
    page.fill("#award #id_title", "驻马店市环卫技术能手")
    page.step("按成绩授予")
    submit(page, "#award button[type=submit]")
    assert "已授予“驻马店市环卫技术能手”1人：张*青" in page.content()
    page.click("text=劳模工匠名录")
    page.wait_for_url("**/training/craftsmen/")
    row = page.locator("#titles tbody tr").first.inner_text()
    assert "驻马店市环卫技术能手" in row and "张*青" in row and "第1名" in row
    page.step("劳模工匠名录")
    title = CraftsmanTitle.objects.get()
    assert (title.worker.name, title.rank, title.level) == ("张东青", 1, "city")
