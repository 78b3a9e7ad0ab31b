"""Changing a programme's budget: four eyes (whoever set the budget in force does not change
it), never below what is spent, and the spending slots shared out again in the same
transaction so the new cap holds at once."""

import pytest

from gonghui.accounts.models import Role
from gonghui.audit.models import AuditEvent
from gonghui.audit.workflow import FourEyes
from gonghui.core.errors import DomainError
from gonghui.members.cards import issue_card_token
from gonghui.programs.budget import spent_fen
from gonghui.programs.models import BudgetSlot, Program
from gonghui.programs.services import change_budget, check_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_admin(staff):
    return staff("province2", "410000", Role.PROVINCE_ADMIN)


def allotted(program) -> int:
    return sum(BudgetSlot.objects.filter(program=program).values_list("allotted_fen", flat=True))


def test_who_set_the_budget_cannot_change_it_another_manager_can(
    program, province_admin, second_admin
):
    small = program("小预算早餐", unit_cost_fen=500, budget_fen=1000)
    with pytest.raises(FourEyes) as caught:
        change_budget(by=province_admin, program=small, budget_fen=5000, reason="追加")
    assert caught.value.code == "four_eyes"
    assert caught.value.message == "修改预算须由另一人办理：您已设定现行预算（双人复核）"
    assert Program.objects.get(pk=small.pk).budget_fen == 1000
    change_budget(by=second_admin, program=small, budget_fen=5000, reason="追加")
    assert Program.objects.get(pk=small.pk).budget_fen == 5000 == allotted(small)
    event = AuditEvent.objects.get(action="change_budget")
    assert (event.actor, event.before, event.after["budget_fen"]) == (
        second_admin,
        {"budget_fen": 1000},
        5000,
    )
    # The one who changed it last set the budget now in force: the next change is another's.
    with pytest.raises(FourEyes):
        change_budget(by=second_admin, program=small, budget_fen=6000, reason="再追加")
    change_budget(by=province_admin, program=small, budget_fen=6000, reason="再追加")
    assert Program.objects.get(pk=small.pk).budget_fen == 6000


def test_a_budget_is_never_cut_below_what_is_spent_and_the_new_cap_holds_at_once(
    program, point, staff, make_worker, second_admin
):
    small = program("小预算早餐", unit_cost_fen=500, budget_fen=5000)
    clerk = staff("clerk9", "411702", Role.POINT_STAFF)
    desk = point("早餐店", programs=[small], staff=[clerk])
    for _ in range(2):
        check_in(by=clerk, point=desk, program=small, token=issue_card_token(make_worker().pk))
    with pytest.raises(DomainError) as caught:
        change_budget(by=second_admin, program=small, budget_fen=999, reason="压减")
    assert caught.value.code == "below_spent" and "10.00元" in caught.value.message
    change_budget(by=second_admin, program=small, budget_fen=1000, reason="压减")
    with pytest.raises(DomainError) as refused:
        check_in(by=clerk, point=desk, program=small, token=issue_card_token(make_worker().pk))
    assert refused.value.code == "budget_exhausted" and spent_fen(small) == 1000


def test_the_rule_can_be_turned_off_by_the_setting(program, province_admin, settings):
    settings.FOUR_EYES = False
    small = program("小预算早餐", unit_cost_fen=500, budget_fen=1000)
    change_budget(by=province_admin, program=small, budget_fen=2000, reason="追加")
    assert Program.objects.get(pk=small.pk).budget_fen == 2000
