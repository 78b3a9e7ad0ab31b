import datetime

import pytest
from django.core.management import call_command

from gonghui.accounts.selectors import figures_asked_for
from gonghui.core.periods import Period
from gonghui.orgs.models import Org
from gonghui.training.competitions import create_competition
from gonghui.training.funds import create_fund_project
from gonghui.training.indicators import FIGURES
from gonghui.training.rollups import ROLLUPS
from gonghui.training.services import create_class, create_course

TODAY = datetime.date.today()
START = TODAY - datetime.timedelta(days=30)  # a fund project's start by default


def figures(user, org_code: str | None = None, period: Period | None = None):
    """What the figures page shows, all time unless ``period``: the total, and each row by
    org code (the 本级 row under the org's own code), values by indicator id."""
    drilled = figures_asked_for(
        user, FIGURES.indicators, period=period or Period.all_time(), org_code=org_code
    )
    return drilled.total, {row.place.code: row.values for row in drilled.rows}


@pytest.fixture(autouse=True)
def rollups_agree_after_every_scenario(request):
    """Design rule: after any scenario, the rollups equal a recount of the raw records."""
    yield
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        assert ROLLUPS.differences() == []
        call_command("rollup", "check", "--app", "training")


@pytest.fixture
def course(zhumadian_officer):
    return create_course(
        by=zhumadian_officer,
        org=Org.objects.get(code="411700"),
        subject="书法",
        name="硬笔书法入门",
    )


@pytest.fixture
def contest(zhumadian_officer):
    """A city contest, held (on a fixed day in the past), 30% theory."""
    return create_competition(
        by=zhumadian_officer,
        org=Org.objects.get(code="411700"),
        name="驻马店市电工技能竞赛",
        tier="city",
        trade="电工",
        held_on=datetime.date(2026, 10, 20),
        theory_weight=30,
    )


@pytest.fixture
def make_class(zhumadian_officer, course):
    """A class of the 驻马店 course; a Tuesday/Thursday evening term around today by default."""

    def make(name="硬笔书法周二周四班", *, capacity=30, org=None, **fields):
        fields.setdefault("term_starts", TODAY - datetime.timedelta(days=14))
        fields.setdefault("term_ends", TODAY + datetime.timedelta(days=60))
        fields.setdefault("weekdays", [2, 4])
        return create_class(
            by=zhumadian_officer,
            course=course,
            org=Org.objects.get(code=org) if org else None,
            name=name,
            teacher="王老师",
            room="文化宫302",
            starts_at=datetime.time(19),
            ends_at=datetime.time(20, 30),
            capacity=capacity,
            **fields,
        )

    return make


@pytest.fixture
def make_project(yicheng_officer, an_employer):
    """A 驿城区 project paying for a diploma course; budget 10,000.00 yuan by default."""

    def make(name="环卫工人学历提升班", *, budget_fen=1_000_000, by=None, org="411702", **fields):
        fields.setdefault("starts_on", START)
        fields.setdefault("ends_on", START + datetime.timedelta(days=700))
        return create_fund_project(
            by=by or yicheng_officer,
            org=Org.objects.get(code=org),
            name=name,
            kind="diploma",
            employer_name=an_employer[0],
            uscc=an_employer[1],
            provider="驻马店职业技术学院",
            budget_fen=budget_fen,
            **fields,
        )

    return make
