import datetime

import pytest
from django.core import signing
from django.db import IntegrityError, transaction

from gonghui.accounts.models import Role
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.members.cards import issue_card_token, read_card_token
from gonghui.members.categories import BY_NAME
from gonghui.programs.budget import spent_fen
from gonghui.programs.models import Frequency, ServiceRecord
from gonghui.programs.selectors import program_figures
from gonghui.programs.services import (
    ServiceRefused,
    check_in,
    record_service,
    void_record,
)

pytestmark = pytest.mark.django_db
SANITATION = BY_NAME["环卫工人"].bit


@pytest.fixture
def breakfast(program):
    return program("环卫工人免费早餐", categories=SANITATION, unit_cost_fen=500)


@pytest.fixture
def shop(point, breakfast, staff):
    clerk = staff("shop_clerk", "411702", Role.POINT_STAFF)
    return point("驿城区早餐店", programs=[breakfast], staff=[clerk]), clerk


def refusal(call) -> ServiceRefused:
    with pytest.raises(ServiceRefused) as caught:
        call()
    return caught.value


def test_card_token_round_trips_and_rejects_tampering(make_worker):
    worker = make_worker()
    token = issue_card_token(worker.pk)
    assert read_card_token(token) == worker.pk
    forged = token.replace(f"{worker.pk}:", f"{worker.pk + 1}:", 1)
    with pytest.raises(DomainError) as caught:
        read_card_token(forged)
    assert caught.value.code == "card_invalid"


def test_screenshot_replayed_after_expiry_is_refused(
    make_worker, settings, breakfast, shop, monkeypatch
):
    worker = make_worker()
    token = issue_card_token(worker.pk)
    later = signing.time.time() + settings.CARD_TOKEN_TTL + 1
    monkeypatch.setattr(signing.time, "time", lambda: later)
    point, clerk = shop
    refused = refusal(lambda: check_in(by=clerk, point=point, program=breakfast, token=token))
    assert refused.code == "card_expired"


def test_breakfast_check_in_then_second_the_same_day_is_refused_naming_the_point(
    make_worker, breakfast, shop
):
    worker = make_worker("张东青")
    point, clerk = shop
    served = check_in(by=clerk, point=point, program=breakfast, token=issue_card_token(worker.pk))
    assert served.masked_name == "张*青"
    assert served.record.amount_fen == 500
    again = refusal(
        lambda: check_in(
            by=clerk, point=point, program=breakfast, token=issue_card_token(worker.pk)
        )
    )
    assert again.code == "already_served"
    assert "驿城区早餐店" in again.message and "今天" in again.message
    assert again.masked_name == "张*青"
    assert ServiceRecord.objects.count() == 1


def test_same_request_id_is_idempotent(make_worker, breakfast, shop):
    worker = make_worker()
    point, clerk = shop
    token = issue_card_token(worker.pk)
    first = check_in(by=clerk, point=point, program=breakfast, token=token, request_id="r-1")
    second = check_in(by=clerk, point=point, program=breakfast, token=token, request_id="r-1")
    assert second.repeated and second.record.pk == first.record.pk
    assert ServiceRecord.objects.count() == 1


def test_database_enforces_the_frequency_limit_without_python(make_worker, breakfast, shop):
    worker = make_worker()
    point, clerk = shop
    record = check_in(
        by=clerk, point=point, program=breakfast, token=issue_card_token(worker.pk)
    ).record
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceRecord.objects.create(
            program=breakfast,
            worker=worker,
            org=record.org,
            org_path=record.org_path,
            served_at=record.served_at,
            served_on=record.served_on,
            period_key=record.period_key,
            channel="manual",
            recorded_by=clerk,
        )


@pytest.mark.parametrize(
    ("rule", "worker_fields", "code", "words"),
    [
        ({"categories": BY_NAME["货车司机"].bit}, {}, "not_eligible", "仅限货车司机"),
        ({"min_age": 99}, {}, "not_eligible", "周岁以上"),
        ({"max_age": 10}, {}, "not_eligible", "周岁以下"),
        ({"members_only": True}, {"joined_on": ""}, "not_eligible", "会员"),
        ({"is_active": False}, {}, "program_inactive", "服务期"),
        (
            {"ends_on": datetime.date(2020, 1, 1), "starts_on": datetime.date(2019, 1, 1)},
            {},
            "program_inactive",
            "2020-01-01",
        ),
    ],
)
def test_each_eligibility_rule_refuses_precisely(
    program, point, staff, make_worker, rule, worker_fields, code, words
):
    run = program("规则测试", **rule)
    clerk = staff("clerk", "411702", Role.POINT_STAFF)
    desk = point("服务点", programs=[run], staff=[clerk])
    worker = make_worker(**worker_fields)
    refused = refusal(
        lambda: check_in(by=clerk, point=desk, program=run, token=issue_card_token(worker.pk))
    )
    assert refused.code == code and words in refused.message


def test_worker_outside_the_program_subtree_is_not_eligible(program, point, staff, make_worker):
    luoyang_breakfast = program("洛阳早餐", org="410300")
    clerk = staff("ly_clerk", "410302", Role.POINT_STAFF)
    desk = point("洛阳早餐店", org="410302", programs=[luoyang_breakfast], staff=[clerk])
    zhumadian_worker = make_worker(org="411702")
    refused = refusal(
        lambda: check_in(
            by=clerk,
            point=desk,
            program=luoyang_breakfast,
            token=issue_card_token(zhumadian_worker.pk),
        )
    )
    assert refused.code == "not_eligible" and "服务范围" in refused.message


def test_point_that_does_not_offer_the_program_refuses(
    program, point, staff, make_worker, breakfast
):
    clerk = staff("clerk2", "411702", Role.POINT_STAFF)
    other = point(
        "体检医院", programs=[program("免费体检", frequency=Frequency.ONCE)], staff=[clerk]
    )
    refused = refusal(
        lambda: check_in(
            by=clerk, point=other, program=breakfast, token=issue_card_token(make_worker().pk)
        )
    )
    assert refused.code == "point_not_in_program"


def test_point_staff_cannot_check_in_at_another_point(shop, point, breakfast, make_worker):
    _, clerk = shop
    elsewhere = point("别的早餐店", programs=[breakfast])
    with pytest.raises(PermissionDenied):
        check_in(
            by=clerk, point=elsewhere, program=breakfast, token=issue_card_token(make_worker().pk)
        )


def test_budget_exhausted_refuses_and_spends_nothing_more(program, point, staff, make_worker):
    small = program("小预算早餐", unit_cost_fen=500, budget_fen=1000)
    clerk = staff("clerk3", "411702", Role.POINT_STAFF)
    desk = point("早餐店", programs=[small], staff=[clerk])
    for _ in range(2):
        check_in(by=clerk, point=desk, program=small, token=issue_card_token(make_worker().pk))
    refused = refusal(
        lambda: check_in(
            by=clerk, point=desk, program=small, token=issue_card_token(make_worker().pk)
        )
    )
    assert refused.code == "budget_exhausted"
    assert spent_fen(small) == 1000
    assert ServiceRecord.objects.count() == 2


def test_void_gives_back_the_person_time_amount_and_budget_and_allows_a_new_record(
    shop, breakfast, make_worker, province_admin
):
    point, clerk = shop
    worker = make_worker()
    record = check_in(
        by=clerk, point=point, program=breakfast, token=issue_card_token(worker.pk)
    ).record
    with pytest.raises(DomainError):
        void_record(by=province_admin, record=record, reason=" ")
    with pytest.raises(PermissionDenied):
        void_record(by=clerk, record=record, reason="误扫")
    void_record(by=province_admin, record=record, reason="误扫")
    assert spent_fen(breakfast) == 0
    assert program_figures(province_admin, breakfast).person_times == 0
    check_in(by=clerk, point=point, program=breakfast, token=issue_card_token(worker.pk))
    assert ServiceRecord.objects.filter(voided=False).count() == 1
    assert ServiceRecord.objects.count() == 2  # voided, never deleted


def test_distinct_persons_do_not_add_up_the_tree(
    program, point, province_admin, staff, make_worker
):
    """One worker served in two counties of one city counts once for the city,
    and once for the province after also being served in another city."""
    checkup = program("年度体检", kind="one_off", frequency=Frequency.DAILY, unit_cost_fen=20000)
    yicheng = point("驿城区医院", org="411702", programs=[checkup])
    xiping = point("西平县医院", org="411721", programs=[checkup])
    luolong = point("洛龙区医院", org="410311", programs=[checkup])
    worker = make_worker("张东青", org="411702")
    other = make_worker("李四", org="411702")
    day = datetime.datetime.now().astimezone()
    for when, desk, who in [
        (day - datetime.timedelta(days=3), yicheng, worker),
        (day - datetime.timedelta(days=2), xiping, worker),
        (day - datetime.timedelta(days=1), luolong, worker),
        (day, yicheng, other),
    ]:
        record_service(by=province_admin, program=checkup, worker=who, point=desk, served_at=when)
    province = program_figures(province_admin, checkup)
    assert (province.persons, province.person_times, province.amount_fen) == (2, 4, 80000)
    by_child = {row.org.code: (row.persons, row.person_times) for row in province.children}
    assert by_child["411700"] == (2, 3)  # 张东青 twice in 驻马店 counts once
    assert by_child["410300"] == (1, 1)
    zhumadian = program_figures(staff("zmd", "411700"), checkup)
    assert {row.org.code: row.persons for row in zhumadian.children} == {"411702": 2, "411721": 1}
    assert sum(row.persons for row in province.children) == 3 != province.persons
