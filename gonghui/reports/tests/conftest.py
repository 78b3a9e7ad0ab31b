"""A small world for the report card: breakfasts and health checks in 驻马店 (its county
and the city's own canteen) and 洛阳, a programme filed under no line, a wage case with
recoveries in March and June, and a paid mutual-aid claim."""

import datetime

import pytest

from gonghui.mutualaid.services import approve_claim, move_claim, pay_claim
from gonghui.mutualaid.tests.conftest import claim, enrolment, plan, reviewer
from gonghui.orgs.models import Org
from gonghui.programs.models import Frequency, ProgramKind, ReportLine
from gonghui.programs.services import create_program, create_service_point, record_service
from gonghui.rights.services import Instalment, record_recoveries
from gonghui.rights.tests.conftest import case, case_with_workers

__all__ = ["case", "case_with_workers", "claim", "enrolment", "plan", "reviewer"]
D = datetime.date(2026, 3, 1)
TZ = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def served(province_admin, make_worker):
    """Breakfasts in 驿城区, 驻马店's own canteen and 洛阳, health checks, and a programme
    filed under no line (which must count nowhere)."""

    def programme(name, line, **fields):
        return create_program(
            by=province_admin,
            org=Org.objects.get(code="410000"),
            name=name,
            kind=ProgramKind.DAILY,
            frequency=Frequency.DAILY,
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 12, 31),
            report_line=line,
            **fields,
        )

    breakfast = programme("环卫工人免费早餐", ReportLine.SANITATION_BREAKFAST, unit_cost_fen=500)
    exam = programme("新就业形态劳动者免费体检", ReportLine.NEW_EMPLOYMENT_EXAM)
    other = programme("职工疗休养", ReportLine.NONE)
    shops = {
        code: create_service_point(
            by=province_admin,
            org=Org.objects.get(code=code),
            name=f"{code}早餐店",
            programs=[breakfast, exam, other],
        )
        for code in ("411702", "411700", "410302")
    }
    zhang = make_worker("张东青", org="411702")
    li = make_worker("李秀英", org="411702")
    wang = make_worker("王建国", org="410302")
    rider = make_worker("赵骑手", org="411702", categories="外卖骑手")
    visits = [
        (breakfast, zhang, "411702", datetime.date(2026, 3, 2)),
        (breakfast, zhang, "411702", datetime.date(2026, 3, 3)),
        (breakfast, zhang, "411700", datetime.date(2026, 7, 1)),  # the city's own canteen
        (breakfast, li, "411702", datetime.date(2026, 7, 2)),
        (breakfast, wang, "410302", datetime.date(2026, 3, 5)),
        (exam, rider, "411702", datetime.date(2026, 3, 9)),
        (other, li, "411702", datetime.date(2026, 3, 9)),
        (breakfast, wang, "410302", datetime.date(2025, 12, 31)),  # last year: not counted
    ]
    for program, worker, shop, day in visits:
        if day.year == 2025:
            program.starts_on = day
            program.save(update_fields=["starts_on"])
        record_service(
            by=province_admin,
            program=program,
            worker=worker,
            point=shops[shop],
            served_at=datetime.datetime.combine(day, datetime.time(7, 30), TZ),
        )


@pytest.fixture
def recovered(case_with_workers, zhumadian_officer):
    made, lines = case_with_workers
    zhang, li = lines
    # Recorded by the city officer: four eyes keep 驿城区's officer, who took it in, from it.
    record_recoveries(
        by=zhumadian_officer,
        case=made,
        items=[
            Instalment(zhang.pk, 100_000, 20_000, D),
            Instalment(zhang.pk, 50_000, 0, datetime.date(2026, 6, 1)),
            Instalment(li.pk, 30_000, 5_000, D),
        ],
    )
    return made


@pytest.fixture
def paid(claim, yicheng_officer, reviewer, zhumadian_officer):
    """One approved and paid mutual-aid claim."""
    made = claim()
    move_claim(by=yicheng_officer, claim=made, action="submit")
    move_claim(by=yicheng_officer, claim=made, action="check")
    approve_claim(by=reviewer, claim=made)
    return pay_claim(by=zhumadian_officer, claim=made)


@pytest.fixture
def world(served, recovered, paid):
    return None
