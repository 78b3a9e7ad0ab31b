"""Training figures with fund projects and competition entries: person-times vs distinct
persons at every level, periods, and the rollup check catching a tampered row."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from gonghui.orgs.models import Org
from gonghui.training.competitions import create_competition, enter_competition
from gonghui.training.funds import add_trainee, record_outcome, record_spending
from gonghui.training.models import FundYear, TrainingDaily
from gonghui.training.rollups import ROLLUPS
from gonghui.training.selectors import training_figures
from gonghui.training.tests.conftest import TODAY

pytestmark = pytest.mark.django_db

LONG_AGO = datetime.date(TODAY.year - 2, 3, 1)


@pytest.fixture
def three_projects(make_project, yicheng_officer, zhumadian_officer, make_worker):
    """驿城区 funds A (started two years ago) and B, 驻马店 funds C; 王 is in all three, 李 in A."""
    wang, li = make_worker("王伟"), make_worker("李秀英")
    a = make_project("甲", budget_fen=500_000, starts_on=LONG_AGO)
    b = make_project("乙", budget_fen=300_000)
    c = make_project("丙", budget_fen=200_000, org="411700", by=zhumadian_officer)
    for project, people in ((a, [wang, li]), (b, [wang]), (c, [wang])):
        for worker in people:
            add_trainee(by=zhumadian_officer, project=project, worker=worker, channel="console")
    record_spending(
        by=yicheng_officer, project=a, spent_on=TODAY, amount_fen=123_456, purpose="学费"
    )
    record_spending(by=zhumadian_officer, project=c, spent_on=TODAY, amount_fen=1, purpose="报名费")
    trainee = a.trainees.get(worker=li)
    record_outcome(by=yicheng_officer, trainee=trainee, kind="completed", on=TODAY)
    record_outcome(by=yicheng_officer, trainee=trainee, kind="certified", on=TODAY)
    record_outcome(
        by=yicheng_officer, trainee=a.trainees.get(worker=wang), kind="dropped", on=TODAY
    )
    return a, b, c


def test_fund_trainees_are_person_times_and_distinct_persons_per_level(
    three_projects, zhumadian_officer, yicheng_officer
):
    city, children = training_figures(zhumadian_officer)
    assert (city.fund_projects, city.fund_trainees, city.fund_trainee_persons) == (3, 4, 2)
    assert (city.fund_budget_fen, city.fund_spent_fen) == (1_000_000, 123_457)
    assert city.outcomes == {"completed": 1, "certified": 1, "skill_raised": 0, "dropped": 1}
    assert [
        (c.org_code, c.fund_projects, c.fund_trainees, c.fund_trainee_persons) for c in children
    ] == [("411702", 2, 3, 2)]
    county, _ = training_figures(yicheng_officer)
    assert (county.fund_budget, county.fund_spent) == ("8,000.00", "1,234.56")


def test_fund_figures_by_year(three_projects, province_admin):
    then, _ = training_figures(province_admin, year=LONG_AGO.year)
    # A started then, with both its trainees (they joined on its first day); the spending
    # and outcomes are this year's
    assert (then.fund_projects, then.fund_budget_fen, then.fund_spent_fen) == (1, 500_000, 0)
    assert (then.fund_trainees, then.fund_trainee_persons) == (2, 2)
    assert sum(then.outcomes.values()) == 0
    now, _ = training_figures(province_admin, year=TODAY.year)
    assert (now.fund_spent_fen, sum(now.outcomes.values())) == (123_457, 3)


def test_competition_entries_are_counted_under_the_contest_org(
    grassroots, zhumadian_officer, yicheng_officer, province_admin, make_worker
):
    """(``grassroots`` first: ``make_worker`` reads the tree when it is set up.)"""
    worker = make_worker("参赛者")
    local = make_worker("基层选手", org=grassroots.code)
    contests = [
        create_competition(
            by=zhumadian_officer,
            org=Org.objects.get(code="411700"),
            name=name,
            tier="city",
            trade="电工",
            held_on=TODAY,
        )
        for name in ("电工比武", "焊工比武")
    ]
    for contest in contests:
        enter_competition(by=yicheng_officer, competition=contest, worker=worker)
    enter_competition(by=yicheng_officer, competition=contests[0], worker=local)
    small = create_competition(
        by=yicheng_officer,
        org=grassroots,
        name="班组比武",
        tier="enterprise",
        trade="保洁",
        held_on=TODAY,
    )
    enter_competition(by=yicheng_officer, competition=small, worker=local)
    city, children = training_figures(zhumadian_officer)
    assert (city.entries, city.entrants) == (4, 2)
    assert [(c.org_code, c.entries, c.entrants) for c in children] == [("411702", 1, 1)]
    here, _ = training_figures(yicheng_officer, org_code=grassroots.code)
    assert (here.entries, here.entrants) == (1, 1)
    assert training_figures(province_admin, year=TODAY.year - 1)[0].entries == 0


def test_rollup_check_catches_a_tampered_fund_row_and_rebuild_repairs_it(
    three_projects, province_admin
):
    before, _ = training_figures(province_admin)
    FundYear.objects.filter(org__code="411702").update(spent_fen=0)
    TrainingDaily.objects.all().delete()
    assert any("培训资助汇总" in p for p in ROLLUPS.differences())
    with pytest.raises(CommandError):
        call_command("rollup", "check", "--app", "training")
    call_command("rollup", "rebuild", "--app", "training")
    assert ROLLUPS.differences() == []
    assert training_figures(province_admin)[0] == before


def test_the_figures_page_shows_fund_and_competition_columns(
    client, three_projects, zhumadian_officer
):
    client.force_login(zhumadian_officer)
    page = client.get(reverse("training:figures")).content.decode()
    assert 'data-figure="fund_trainees">4<' in page
    assert 'data-figure="fund_trainee_persons">2<' in page
    assert 'data-figure="fund_spent">1,234.57<' in page
    assert 'data-figure="certified">1<' in page and 'data-figure="entries">0<' in page


def test_a_year_no_period_spans_is_refused_with_the_reason(client, zhumadian_officer):
    client.force_login(zhumadian_officer)
    answer = client.get(reverse("training:figures") + "?year=3000")
    assert answer.status_code == 400 and "年份须在 1949–2100 之间" in answer.content.decode()
