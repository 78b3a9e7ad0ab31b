"""Training figures with fund projects and competition entries: person-times vs distinct
persons on every row (本级 and each child org), periods, the figures page, and the rollup
check catching a tampered row."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from gonghui.core.periods import Period
from gonghui.orgs.models import Org
from gonghui.tests.figures import assert_rows_add_up, page_tables
from gonghui.training.competitions import create_competition, enter_competition
from gonghui.training.funds import add_trainee, record_outcome, record_spending
from gonghui.training.indicators import FIGURES
from gonghui.training.models import FundYear, OutcomeKind, TrainingDaily
from gonghui.training.rollups import ROLLUPS
from gonghui.training.tests.conftest import START, TODAY, figures

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


FUND = ("training.fund.projects", "training.fund.trainees", "training.fund.persons")
OUTCOMES = tuple(f"training.outcome.{kind}" for kind in OutcomeKind.values)


def cells(values: dict, ids: tuple[str, ...]) -> tuple:
    return tuple(values[i] for i in ids)


def test_fund_trainees_are_person_times_and_distinct_persons_per_row(
    three_projects, zhumadian_officer, yicheng_officer
):
    city, rows = figures(zhumadian_officer)
    assert cells(city, FUND) == (3, 4, 2)
    assert (city["training.fund"], city["training.fund.spent"]) == (1_000_000, 123_457)
    assert cells(city, OUTCOMES) == (1, 1, 0, 1)
    assert cells(rows["411700"], FUND) == (1, 1, 1)  # 本级: C, the city's own project
    assert cells(rows["411702"], FUND) == (2, 3, 2)
    assert cells(rows["411721"], FUND) == (0, 0, 0)  # every county listed, active or not
    assert len(rows) == 1 + Org.objects.filter(parent__code="411700").count()
    county, _ = figures(yicheng_officer)
    assert (county["training.fund"], county["training.fund.spent"]) == (800_000, 123_456)


def test_fund_figures_by_year_and_by_dates(three_projects, province_admin):
    then, _ = figures(province_admin, period=Period.year(LONG_AGO.year))
    # A started then, with both its trainees (they joined on its first day); the spending
    # and outcomes are this year's
    assert cells(then, FUND) == (1, 2, 2)
    assert (then["training.fund"], then["training.fund.spent"]) == (500_000, 0)
    assert sum(cells(then, OUTCOMES)) == 0
    now, _ = figures(province_admin, period=Period.year(TODAY.year))
    assert (now["training.fund.spent"], sum(cells(now, OUTCOMES))) == (123_457, 3)
    # part of a year reads the projects, payments, trainees and outcomes themselves
    first_day, _ = figures(province_admin, period=Period(LONG_AGO, LONG_AGO))
    assert first_day == then
    today, _ = figures(province_admin, period=Period(TODAY, TODAY))
    assert (today["training.fund.spent"], sum(cells(today, OUTCOMES))) == (123_457, 3)


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
    entries = ("training.entries", "training.entrants")
    city, rows = figures(zhumadian_officer)
    assert cells(city, entries) == (4, 2)
    assert cells(rows["411700"], entries) == (3, 2)  # the city's two contests
    assert cells(rows["411702"], entries) == (1, 1)
    here, _ = figures(yicheng_officer, org_code=grassroots.code)
    assert cells(here, entries) == (1, 1)
    last_year, _ = figures(province_admin, period=Period.year(TODAY.year - 1))
    assert last_year["training.entries"] == 0


def test_rollup_check_catches_a_tampered_fund_row_and_rebuild_repairs_it(
    three_projects, province_admin
):
    before = figures(province_admin)
    FundYear.objects.filter(org__code="411702").update(spent_fen=0)
    TrainingDaily.objects.all().delete()
    assert any("培训资助汇总" in p for p in ROLLUPS.differences())
    with pytest.raises(CommandError):
        call_command("rollup", "check", "--app", "training")
    call_command("rollup", "rebuild", "--app", "training")
    assert ROLLUPS.differences() == []
    assert figures(province_admin) == before


def test_the_figures_page_has_benji_every_child_and_adds_up(
    client, three_projects, zhumadian_officer
):
    client.force_login(zhumadian_officer)
    recent = {"from": START.isoformat(), "to": TODAY.isoformat()}
    html = client.get(reverse("training:figures"), recent).content.decode()
    classes, funds = page_tables(html)
    counties = set(Org.objects.filter(parent__code="411700").values_list("code", flat=True))
    assert set(classes) == set(funds) == {"411700", "", *counties}
    assert list(funds)[0] == "411700" and "本级（驻马店市总工会）" in html
    # since B and C started: they and their trainee 王 (twice); A's payment and outcomes
    assert cells(funds["411700"], FUND) == ("1", "1", "1")
    assert cells(funds["411702"], FUND) == ("1", "1", "1")
    assert cells(funds[""], FUND) == ("2", "2", "1")
    assert funds[""]["training.fund.spent"] == "1,234.57"
    assert funds["411702"]["training.outcome.certified"] == "1"
    assert classes[""]["training.entries"] == "0"
    assert_rows_add_up(FIGURES, html)
    ever = {"from": "1949-01-01", "to": "2100-12-31"}
    _, funds = page_tables(client.get(reverse("training:figures"), ever).content.decode())
    assert cells(funds[""], FUND) == ("3", "4", "2")


@pytest.mark.parametrize("query", ["year=3000", "year=10000", "year=abc", "to=2026-01-01"])
def test_a_wrong_period_is_refused_with_the_reason_above_this_years_figures(
    client, zhumadian_officer, query
):
    client.force_login(zhumadian_officer)
    answer = client.get(reverse("training:figures") + "?" + query)
    assert answer.status_code == 200 and 'id="problem"' in answer.content.decode()
    if query == "year=3000":
        assert "年份须在 1949–2100 之间" in answer.content.decode()


def test_a_sibling_city_gets_404(client, three_projects, luoyang_officer):
    client.force_login(luoyang_officer)
    answer = client.get(reverse("training:figures"), {"org": "411700", "year": TODAY.year})
    assert answer.status_code == 404
