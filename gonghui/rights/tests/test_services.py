"""Wage cases: the workflow per role, referral, outcome, recoveries, transfers, overdue."""

import datetime
import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from gonghui.accounts.models import Role
from gonghui.audit.workflow import FourEyes, StaleState
from gonghui.core.audited import service_writes
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.models import WorkflowStep
from gonghui.core.money import yuan_in_units
from gonghui.orgs.models import Org
from gonghui.rights.models import CaseState, Recovery, RightsOrgYear, WageCase
from gonghui.rights.selectors import (
    case_for,
    case_queue,
    cases_visible_to,
    may_act,
    overdue_cases,
    rights_figures,
)
from gonghui.rights.services import (
    Instalment,
    WorkerOwed,
    add_workers,
    move_case,
    record_recoveries,
    transfer_case,
)

pytestmark = pytest.mark.django_db
S = CaseState
OFFICER, REVIEWER, ADMIN, AUDITOR = "officer", "reviewer", "admin", "auditor"
CASE_STAFF = {OFFICER, ADMIN}
ALLOWED = {
    (S.ACCEPTED, "investigate"): S.INVESTIGATING,
    (S.INVESTIGATING, "mediate"): S.MEDIATING,
    (S.INVESTIGATING, "refer"): S.REFERRED,
    (S.MEDIATING, "refer"): S.REFERRED,
    (S.ACCEPTED, "close"): S.CLOSED,
    (S.INVESTIGATING, "close"): S.CLOSED,
    (S.MEDIATING, "close"): S.CLOSED,
    (S.REFERRED, "close"): S.CLOSED,
}
ACTIONS = ["investigate", "mediate", "refer", "close"]
D = datetime.date(2026, 3, 1)


@pytest.fixture
def actors(yicheng_officer, province_admin, staff):
    return {
        OFFICER: yicheng_officer,
        REVIEWER: staff("zmd_reviewer", "411700", Role.REVIEWER),
        ADMIN: province_admin,
        AUDITOR: staff("zmd_auditor", "411700", Role.AUDITOR),
    }


def step(user, case, action):
    return move_case(
        by=user,
        case=case,
        action=action,
        reason="经调查属实",
        referral="arbitration",
        external_body="驻马店市劳动人事争议仲裁委员会",
    )


def test_every_case_transition_per_role_is_allowed_or_refused(case, actors):
    moved = 0
    for state, action, who in itertools.product(S.values, ACTIONS, actors):
        made = case()
        with service_writes():  # a state no service leads to directly
            WageCase.objects.filter(pk=made.pk).update(state=state)
        made.refresh_from_db()
        if who in CASE_STAFF and (state, action) in ALLOWED:
            step(actors[who], made, action)
            assert WageCase.objects.get(pk=made.pk).state == ALLOWED[(state, action)]
            moved += 1
        else:
            with pytest.raises(StaleState if who in CASE_STAFF else PermissionDenied):
                step(actors[who], made, action)
            assert WageCase.objects.get(pk=made.pk).state == state, (state, action, who)
    assert moved == 2 * len(ALLOWED)


def test_referral_names_the_body_and_closing_needs_a_reason(case, yicheng_officer):
    made = case()
    move_case(by=yicheng_officer, case=made, action="investigate")
    with pytest.raises(DomainError) as caught:
        move_case(by=yicheng_officer, case=made, action="refer", referral="litigation")
    assert caught.value.code == "referral_required"
    move_case(
        by=yicheng_officer,
        case=made,
        action="refer",
        referral="litigation",
        external_body="驿城区人民法院",
    )
    assert (made.referral, made.external_body) == ("litigation", "驿城区人民法院")
    with pytest.raises(DomainError) as no_reason:
        move_case(by=yicheng_officer, case=made, action="close")
    assert no_reason.value.code == "reason_required"


def test_outcome_follows_the_wages_recovered(case_with_workers, yicheng_officer, recorder):
    made, (zhang, li) = case_with_workers
    record_recoveries(
        by=recorder,
        case=made,
        items=[
            Instalment(zhang.pk, 600_000, 0, D),
            Instalment(zhang.pk, 600_000, 50_000, D),
        ],
    )
    partial = WageCase.objects.get(pk=made.pk)
    move_case(by=yicheng_officer, case=partial, action="close", reason="李四部分未追回")
    assert partial.outcome == "part"
    with pytest.raises(DomainError) as closed:
        record_recoveries(by=recorder, case=partial, items=[Instalment(li.pk, 1, 0, D)])
    assert closed.value.code == "case_closed"


def test_full_recovery_closes_as_full_and_figures_count_each_worker_once(
    case_with_workers, yicheng_officer, zhumadian_officer, recorder
):
    made, (zhang, li) = case_with_workers
    record_recoveries(
        by=recorder,
        case=made,
        items=[
            Instalment(zhang.pk, 1_200_000, 100_000, D),
            Instalment(li.pk, 500_000, 0, D),
            Instalment(li.pk, 300_000, 20_000, D + datetime.timedelta(days=3)),
        ],
    )
    move_case(by=yicheng_officer, case=made, action="close", reason="已全部支付")
    assert made.outcome == "full"
    figures = rights_figures(zhumadian_officer, year=2026)
    assert (figures.workers, figures.instalments) == (2, 3)
    assert (figures.wages_fen, figures.compensation_fen) == (2_000_000, 120_000)
    assert {c.org.code: c.workers for c in figures.children}["411702"] == 2


def test_an_instalment_must_carry_money_and_not_be_in_the_future(
    case_with_workers, yicheng_officer, recorder
):
    made, (zhang, _) = case_with_workers
    for item, code in (
        (Instalment(zhang.pk, 0, 0, D), "bad_amount"),
        (Instalment(zhang.pk, -1, 5, D), "bad_amount"),
        (
            Instalment(zhang.pk, 1, 0, timezone.localdate() + datetime.timedelta(days=1)),
            "future_date",
        ),
    ):
        with pytest.raises(DomainError) as caught:
            record_recoveries(by=recorder, case=made, items=[Instalment(zhang.pk, 5, 0, D), item])
        assert caught.value.code == code
    assert RightsOrgYear.objects.count() == 0


def test_transfer_gives_the_case_to_the_receiver_and_leaves_the_sender_reading(
    case_with_workers, yicheng_officer, staff, luoyang_officer, recorder
):
    made, (zhang, _) = case_with_workers
    record_recoveries(by=recorder, case=made, items=[Instalment(zhang.pk, 100_000, 0, D)])
    receiver = staff("xiping", "411721")
    with pytest.raises(DomainError):
        transfer_case(
            by=yicheng_officer, case=made, to_org=Org.objects.get(code="411721"), reason=" "
        )
    transfer_case(
        by=yicheng_officer,
        case=made,
        to_org=Org.objects.get(code="411721"),
        reason="用工地在西平县",
    )
    assert case_for(receiver, made.pk).org.code == "411721"
    sender_copy = case_for(yicheng_officer, made.pk)
    assert not may_act(yicheng_officer, sender_copy) and may_act(receiver, sender_copy)
    with pytest.raises(PermissionDenied):
        move_case(by=yicheng_officer, case=sender_copy, action="investigate")
    move_case(by=receiver, case=case_for(receiver, made.pk), action="investigate")
    assert list(case_queue(yicheng_officer)) == []
    assert list(cases_visible_to(luoyang_officer)) == []
    # the sender's recovery stays credited to the sender
    assert rights_figures(yicheng_officer, year=2026).wages_fen == 100_000
    assert rights_figures(receiver, year=2026).wages_fen == 0
    actions = list(
        WorkflowStep.objects.filter(object_id=made.pk, object_type="wage_case").values_list(
            "action", flat=True
        )
    )
    assert actions == ["create", "add_workers", "recover", "transfer", "investigate"]


def test_a_case_without_progress_for_n_days_is_overdue(case, yicheng_officer, settings):
    settings.RIGHTS_OVERDUE_DAYS = 10
    stale, fresh, closed = case(), case(), case()
    long_ago = timezone.now() - datetime.timedelta(days=11)
    with service_writes():  # eleven days on, one of them closed
        WageCase.objects.filter(pk__in=[stale.pk, closed.pk]).update(last_progress_at=long_ago)
        WageCase.objects.filter(pk=closed.pk).update(state=S.CLOSED)
    assert list(overdue_cases(under="410000/")) == [stale]
    out = StringIO()
    call_command("rights", "overdue", stdout=out)
    assert f"案件{stale.pk}" in out.getvalue() and f"案件{fresh.pk}" not in out.getvalue()
    assert "共1件" in out.getvalue()
    move_case(by=yicheng_officer, case=stale, action="investigate")
    assert list(overdue_cases(under="410000/")) == []
    out = StringIO()
    call_command("rights", "overdue", "--days", "0", stdout=out)
    assert "共3件" not in out.getvalue() and "共2件" in out.getvalue()


def test_an_employer_code_must_be_a_valid_uscc(case):
    with pytest.raises(DomainError) as caught:
        case(employer_uscc="91410000123456789X")
    assert caught.value.code == "bad_uscc"


def test_a_worker_helped_in_two_counties_counts_once_above_them(
    case, make_worker, zhumadian_officer, province_admin
):
    zhang = make_worker("张东青")
    for code in ("411702", "411721"):
        made = case(by=zhumadian_officer, org=Org.objects.get(code=code))
        (line,) = add_workers(by=zhumadian_officer, case=made, rows=[WorkerOwed(zhang.pk, 1000)])
        record_recoveries(by=province_admin, case=made, items=[Instalment(line.pk, 1000, 0, D)])
    city = rights_figures(zhumadian_officer, year=2026)
    by_county = {c.org.code: c.workers for c in city.children}
    assert (by_county["411702"], by_county["411721"], city.workers) == (1, 1, 1)
    assert city.wages_fen == 2000 and city.instalments == 2


def test_the_report_sentence_prints_wan_and_yi_rounded_half_up_once(
    case_with_workers, yicheng_officer, province_admin, recorder
):
    made, (zhang, li) = case_with_workers
    record_recoveries(
        by=recorder,
        case=made,
        items=[
            Instalment(zhang.pk, 1_200_000, 12_345, D),
            Instalment(li.pk, 800_000, 0, D),
        ],
    )
    out = StringIO()
    call_command("rights", "figures", "--year", "2026", stdout=out)
    # 2,012,345 fen = 20,123.45 元 → 2.01万元 (half-up on the exact total)
    assert "帮助2名农民工追回工资及赔偿金2.01万元" in out.getvalue()
    assert yuan_in_units(171_250_000_000) == "17.13亿元"  # 17.125亿 rounds half-up
    assert yuan_in_units(171_249_999_999) == "17.12亿元"
    call_command("rollup", "rebuild", "--app", "rights", stdout=StringIO())
    assert rights_figures(province_admin, year=2026).total_fen == 2_012_345


def test_the_officer_who_took_a_case_in_cannot_record_its_recoveries(
    case_with_workers, yicheng_officer, recorder, settings
):
    made, (zhang, _) = case_with_workers
    item = [Instalment(zhang.pk, 100_000, 0, D)]
    with pytest.raises(FourEyes) as caught:
        record_recoveries(by=yicheng_officer, case=made, items=item)
    assert caught.value.code == "four_eyes"
    assert caught.value.message == "登记追回金额须由另一人办理：您已受理此案件（双人复核）"
    assert not Recovery.objects.exists()
    assert record_recoveries(by=recorder, case=made, items=item) == 1
    settings.FOUR_EYES = False
    assert record_recoveries(by=yicheng_officer, case=made, items=item) == 1
    assert Recovery.objects.count() == 2
