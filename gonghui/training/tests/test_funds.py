"""Training-fund projects: budget never overspent, trainees distinct per project, outcomes."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.orgs.models import Employer, Org
from gonghui.training.funds import (
    add_trainee,
    create_fund_project,
    record_outcome,
    record_spending,
    update_fund_project,
)
from gonghui.training.models import FundProject, FundSpending, FundTrainee, FundYear
from gonghui.training.tests.conftest import START, TODAY

pytestmark = pytest.mark.django_db


def test_a_project_reuses_the_registered_employer(make_project, an_employer):
    first = make_project()
    second = make_project("第二期")
    assert first.employer_id == second.employer_id
    assert Employer.objects.filter(uscc=an_employer[1]).count() == 1
    row = FundYear.objects.get(org__code="411702", year=START.year)
    assert (row.projects, row.budget_fen) == (2, 2_000_000)


def test_a_bad_credit_code_is_refused_on_its_field(yicheng_officer):
    with pytest.raises(DomainError) as refused:
        create_fund_project(
            by=yicheng_officer,
            org=Org.objects.get(code="411702"),
            name="x",
            kind="skill",
            employer_name="某公司",
            uscc="91410000123456789X",
            provider="学院",
            starts_on=START,
            ends_on=START,
            budget_fen=100,
        )
    assert refused.value.field == "uscc"
    assert FundProject.objects.count() == 0


def test_spending_up_to_the_budget_then_refused_with_what_is_left(make_project, yicheng_officer):
    project = make_project(budget_fen=100_000)
    record_spending(
        by=yicheng_officer,
        project=project,
        spent_on=TODAY,
        amount_fen=60_000,
        purpose="第一学期学费",
    )
    with pytest.raises(DomainError) as refused:
        record_spending(
            by=yicheng_officer,
            project=project,
            spent_on=TODAY,
            amount_fen=40_001,
            purpose="第二学期学费",
        )
    assert refused.value.code == "over_budget"
    assert "预算仅剩400.00元" in refused.value.message
    record_spending(
        by=yicheng_officer,
        project=project,
        spent_on=TODAY,
        amount_fen=40_000,
        purpose="第二学期学费",
    )
    project.refresh_from_db()
    assert (project.spent_fen, project.left_fen) == (100_000, 0)
    assert FundSpending.objects.count() == 2


def test_the_database_itself_refuses_an_overspent_project(make_project):
    project = make_project(budget_fen=100)
    with pytest.raises(IntegrityError), transaction.atomic():
        FundProject.objects.filter(pk=project.pk).update(spent_fen=101)


def test_the_budget_cannot_be_cut_below_what_is_spent(
    make_project, yicheng_officer, zhumadian_officer, an_employer
):
    project = make_project(budget_fen=100_000, by=zhumadian_officer)
    record_spending(
        by=yicheng_officer, project=project, spent_on=TODAY, amount_fen=70_000, purpose="学费"
    )
    terms = _terms(project, an_employer)
    with pytest.raises(DomainError) as refused:
        update_fund_project(by=yicheng_officer, project=project, budget_fen=69_999, **terms)
    assert "700.00" in refused.value.message
    changed = update_fund_project(
        by=yicheng_officer,
        project=project,
        budget_fen=80_000,
        **{**terms, "starts_on": START - datetime.timedelta(days=400)},
    )
    assert changed.budget_fen == 80_000
    # projects and budget moved to the new start year (the rollup check proves the rest)
    earlier = FundYear.objects.get(org__code="411702", year=changed.starts_on.year)
    assert (earlier.projects, earlier.budget_fen) == (1, 80_000)


def _terms(project, an_employer) -> dict:
    return dict(
        name=project.name,
        kind="diploma",
        employer_name=an_employer[0],
        uscc=an_employer[1],
        provider=project.provider,
        starts_on=project.starts_on,
        ends_on=project.ends_on,
    )


def test_whoever_set_the_budget_may_not_change_it_again_four_eyes(
    make_project, yicheng_officer, zhumadian_officer, an_employer
):
    project = make_project(budget_fen=100_000)  # set by 驿城区's officer
    terms = _terms(project, an_employer)
    with pytest.raises(PermissionDenied) as refused:
        update_fund_project(by=yicheng_officer, project=project, budget_fen=120_000, **terms)
    assert refused.value.code == "four_eyes" and "修改预算须由另一人办理" in refused.value.message
    assert FundProject.objects.get(pk=project.pk).budget_fen == 100_000
    # the other terms the same officer may still change
    renamed = update_fund_project(
        by=yicheng_officer, project=project, budget_fen=100_000, **{**terms, "name": "新班名"}
    )
    assert renamed.name == "新班名"
    changed = update_fund_project(
        by=zhumadian_officer, project=project, budget_fen=120_000, **{**terms, "name": "新班名"}
    )
    assert (changed.budget_fen, changed.budget_set_by) == (120_000, zhumadian_officer)
    with pytest.raises(PermissionDenied):  # now the city's officer set it
        update_fund_project(by=zhumadian_officer, project=project, budget_fen=130_000, **terms)
    back = update_fund_project(by=yicheng_officer, project=project, budget_fen=130_000, **terms)
    assert back.budget_fen == 130_000


def test_with_four_eyes_off_the_same_manager_changes_the_fund_budget(
    settings, make_project, yicheng_officer, an_employer
):
    settings.FOUR_EYES = False
    project = make_project(budget_fen=100_000)
    changed = update_fund_project(
        by=yicheng_officer, project=project, budget_fen=90_000, **_terms(project, an_employer)
    )
    assert changed.budget_fen == 90_000


def test_a_sibling_officer_may_not_spend_or_add(make_project, luoyang_officer, make_worker):
    project = make_project()
    with pytest.raises(PermissionDenied):
        record_spending(
            by=luoyang_officer, project=project, spent_on=TODAY, amount_fen=1, purpose="x"
        )
    with pytest.raises(PermissionDenied):
        add_trainee(by=luoyang_officer, project=project, worker=make_worker(), channel="console")


def test_trainees_are_distinct_per_project_and_outcomes_dated(
    make_project, yicheng_officer, make_worker
):
    project = make_project()
    zhang = make_worker("张东青")
    first = add_trainee(by=yicheng_officer, project=project, worker=zhang, channel="console")
    again = add_trainee(by=yicheng_officer, project=project, worker=zhang, channel="console")
    assert first.created and not again.created and again.trainee.pk == first.trainee.pk
    assert first.trainee.joined_on == project.starts_on
    trainee = first.trainee
    record_outcome(by=yicheng_officer, trainee=trainee, kind="completed", on=TODAY)
    record_outcome(
        by=yicheng_officer, trainee=trainee, kind="certified", on=TODAY, note="大专毕业证 No.123"
    )
    with pytest.raises(DomainError) as refused:
        record_outcome(by=yicheng_officer, trainee=trainee, kind="dropped", on=TODAY)
    assert refused.value.code == "conflicting_outcome"
    with pytest.raises(DomainError):
        record_outcome(
            by=yicheng_officer,
            trainee=trainee,
            kind="completed",
            on=START - datetime.timedelta(days=1),
        )
    corrected = record_outcome(
        by=yicheng_officer, trainee=trainee, kind="completed", on=TODAY - datetime.timedelta(days=1)
    )
    assert corrected.on == TODAY - datetime.timedelta(days=1)
    assert trainee.outcomes.count() == 2


def test_a_worker_outside_the_funding_org_is_not_eligible(
    make_project, yicheng_officer, province_admin, make_worker
):
    project = make_project()
    outsider = make_worker("外地人", org="410302")
    with pytest.raises(DomainError) as refused:
        add_trainee(by=province_admin, project=project, worker=outsider, channel="console")
    assert refused.value.code == "not_eligible"
    with pytest.raises(DomainError) as refused:
        add_trainee(
            by=yicheng_officer,
            project=project,
            worker=make_worker(),
            channel="console",
            joined_on=project.ends_on + datetime.timedelta(days=1),
        )
    assert refused.value.code == "outside_period"
    assert FundTrainee.objects.count() == 0


def test_an_overlong_name_is_refused_on_its_field(make_project):
    with pytest.raises(DomainError) as refused:
        make_project("长" * 101)
    assert refused.value.field == "name" and FundProject.objects.count() == 0
