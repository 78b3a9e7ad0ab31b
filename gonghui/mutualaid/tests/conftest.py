import datetime

import pytest

from gonghui.accounts.models import Role
from gonghui.members.services import reveal_id_number
from gonghui.mutualaid.rollups import ROLLUPS
from gonghui.mutualaid.services import create_plan, enrol_worker, file_claim
from gonghui.orgs.models import Org

YEAR = 2026
CANCER_FEN = 5_000_000  # 50,000.00 元
HEART_FEN = 3_000_000
CAP_FEN = 6_000_000


@pytest.fixture(autouse=True)
def rollups_agree_after_every_scenario(request):
    """Design rule: after any scenario, the rollups equal a recount of the raw records."""
    yield
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        assert ROLLUPS.differences() == []


@pytest.fixture
def reviewer(staff):
    """A reviewer at the 驻马店 city federation."""
    return staff("zmd_reviewer", "411700", Role.REVIEWER)


@pytest.fixture
def plan(zhumadian_officer):
    """驻马店's 2026 plan: 90-day waiting period, cap 60,000 元."""
    return create_plan(
        by=zhumadian_officer,
        org=Org.objects.get(code="411700"),
        year=YEAR,
        name="2026年驻马店市职工重大疾病互助保障",
        contribution_fen=5000,
        enrol_opens=datetime.date(2025, 11, 1),
        enrol_closes=datetime.date(2026, 3, 31),
        cover_starts=datetime.date(2026, 1, 1),
        cover_ends=datetime.date(2026, 12, 31),
        annual_cap_fen=CAP_FEN,
        waiting_days=90,
        benefits={"恶性肿瘤": CANCER_FEN, "急性心肌梗死": HEART_FEN},
    )


@pytest.fixture
def enrolment(plan, make_worker, yicheng_officer):
    """张东青 of 驿城区, contribution recorded 2026-01-01 (cover from then, waiting to 04-01)."""
    worker = make_worker("张东青", org="411702")
    return enrol_worker(
        by=yicheng_officer, plan=plan, worker=worker, paid_on=datetime.date(2026, 1, 1)
    )


@pytest.fixture
def claim(enrolment, yicheng_officer):
    """A draft claim for cancer diagnosed 2026-05-10, 80,000 元 claimed."""

    def make(category="恶性肿瘤", diagnosed_on=datetime.date(2026, 5, 10), claimed_fen=8_000_000):
        return file_claim(
            by=yicheng_officer,
            enrolment=enrolment,
            category=category,
            diagnosed_on=diagnosed_on,
            hospital="驻马店市中心医院",
            diagnosis="肺腺癌（T2N0M0）",
            claimed_fen=claimed_fen,
        )

    return make


@pytest.fixture
def agent_and_workers(staff, grassroots, make_worker, province_admin):
    """An officer of a grassroots union under 驿城区 and three of its workers with their ID
    numbers, for rosters the agent submits to the union above."""
    agent = staff("agent", grassroots.code)
    workers = [make_worker(name, org=grassroots.code) for name in ("张东青", "李四", "王五")]
    numbers = [reveal_id_number(by=province_admin, worker=w) for w in workers]
    return agent, workers, numbers
