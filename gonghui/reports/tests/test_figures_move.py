"""Figures move with records: a change made through a service moves every affected figure
by exactly its amount at every level of the tree, and no other figure anywhere."""

import datetime

import pytest

from gonghui.core.periods import Period
from gonghui.members.models import Worker
from gonghui.mutualaid.models import Plan
from gonghui.mutualaid.services import enrol_worker
from gonghui.programs.models import ServiceRecord
from gonghui.programs.services import void_record
from gonghui.reports.card import report_card
from gonghui.rights.models import WageCase
from gonghui.rights.services import Instalment, record_recoveries

pytestmark = pytest.mark.django_db
YEAR = Period.year(2026)
# Every level the test watches: the province, 驻马店 and 驿城区 (where the changes are made),
# a sibling city and a sibling county that must not move.
CODES = ("410000", "411700", "411702", "410300", "411721")
ABOVE_YICHENG = ("410000", "411700", "411702")


def snapshot(user) -> dict[tuple[str, str], int]:
    return {
        (code, key): figure.value
        for code in CODES
        for key, figure in report_card(user, period=YEAR, org_code=code).figures.items()
    }


def moved(before: dict, after: dict) -> dict[tuple[str, str], int]:
    return {key: after[key] - before[key] for key in before if after[key] != before[key]}


def everywhere_above_yicheng(**changes: int) -> dict[tuple[str, str], int]:
    return {(code, key): n for code in ABOVE_YICHENG for key, n in changes.items()}


def test_voiding_a_breakfast_moves_person_times_and_the_persons_it_was_the_last_of(
    world, province_admin
):
    li = Worker.objects.get(name="李秀英")
    only = ServiceRecord.objects.get(worker=li, program__report_line="breakfast")
    before = snapshot(province_admin)
    void_record(by=province_admin, record=only, reason="重复登记")
    assert moved(before, snapshot(province_admin)) == everywhere_above_yicheng(
        **{"programs.breakfast_times": -1, "programs.breakfast_persons": -1}
    )


def test_voiding_one_of_several_breakfasts_moves_person_times_only_where_it_was(
    world, province_admin
):
    at_city = ServiceRecord.objects.get(org__code="411700")
    before = snapshot(province_admin)
    void_record(by=province_admin, record=at_city, reason="误扫")
    # 张东青 still ate in 驿城区, so he is still a person served in the city and province.
    assert moved(before, snapshot(province_admin)) == {
        ("410000", "programs.breakfast_times"): -1,
        ("411700", "programs.breakfast_times"): -1,
    }


def test_a_recovery_and_an_enrolment_move_exactly_their_amounts(
    world, province_admin, yicheng_officer, zhumadian_officer, make_worker
):
    case = WageCase.objects.get()
    helped = case.workers.first()
    before = snapshot(province_admin)
    record_recoveries(
        by=zhumadian_officer,
        case=case,
        items=[Instalment(helped.pk, 12_345, 55, datetime.date(2026, 9, 1))],
    )
    newcomer = make_worker("钱新来", org="411702")
    enrol_worker(
        by=yicheng_officer,
        plan=Plan.objects.get(),
        worker=newcomer,
        paid_on=datetime.date(2026, 2, 1),
    )
    assert moved(before, snapshot(province_admin)) == everywhere_above_yicheng(
        **{"rights.recovered": 12_400, "mutualaid.enrolments": 1}
    )
