import datetime
import json
import uuid

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import issue_api_token
from gonghui.members.cards import issue_card_token
from gonghui.members.categories import BY_NAME
from gonghui.programs.models import Frequency, ServiceRecord
from gonghui.programs.schemas import CheckInOut, RefusalOut
from gonghui.programs.services import record_service

pytestmark = pytest.mark.django_db
SANITATION = BY_NAME["环卫工人"].bit
TRUCKER = BY_NAME["货车司机"].bit


@pytest.fixture
def breakfast(program):
    return program("环卫工人免费早餐", categories=SANITATION, unit_cost_fen=500)


@pytest.fixture
def clerk(staff):
    return staff("shop_clerk", "411702", Role.POINT_STAFF)


@pytest.fixture
def shop(point, breakfast, clerk):
    return point("驿城区早餐店", programs=[breakfast], staff=[clerk])


@pytest.fixture
def zhang(make_worker):
    return make_worker("张东青")


def checkin(call, user, point, program, token, request_id=None):
    body = {"point": point.pk, "program": program.pk, "token": token, "request_id": request_id}
    return call(user, "post", "/api/checkins", body)


def issued_at(moment: datetime.datetime, worker_id: int, monkeypatch) -> str:
    """A card token as the worker's phone showed it at ``moment``."""
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", lambda: moment.timestamp())
        return issue_card_token(worker_id)


def test_check_in_answers_at_once_with_the_masked_name(call, clerk, shop, breakfast, zhang):
    response = checkin(call, clerk, shop, breakfast, issue_card_token(zhang.pk))
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["masked_name"] == "张*青"
    assert body["point"] == shop.pk and body["point_name"] == "驿城区早餐店"
    record = ServiceRecord.objects.get()
    assert body["record_id"] == record.pk and record.channel == "scan"
    assert "张东青" not in response.content.decode()


def test_second_breakfast_the_same_day_is_refused_naming_the_point(
    call, clerk, shop, breakfast, zhang
):
    assert checkin(call, clerk, shop, breakfast, issue_card_token(zhang.pk)).status_code == 200
    response = checkin(call, clerk, shop, breakfast, issue_card_token(zhang.pk))
    assert response.status_code == 409
    body = response.json()
    assert body["ok"] is False and body["code"] == "already_served"
    assert body["masked_name"] == "张*青"
    assert "驿城区早餐店" in body["message"] and "今天" in body["message"]
    assert ServiceRecord.objects.count() == 1


def test_replayed_request_id_returns_the_same_record(call, clerk, shop, breakfast, zhang):
    token = issue_card_token(zhang.pk)
    first = checkin(call, clerk, shop, breakfast, token, request_id="phone-7:0001").json()
    again = checkin(call, clerk, shop, breakfast, token, request_id="phone-7:0001")
    assert again.status_code == 200
    assert again.json()["record_id"] == first["record_id"] and again.json()["repeated"] is True
    assert first["repeated"] is False
    assert ServiceRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("case", "code", "words", "masked"),
    [
        ("garbled", "card_invalid", "无法识别", ""),
        ("expired", "card_expired", "过期", ""),
        ("trucker_only", "not_eligible", "仅限货车司机", "张*青"),
        ("switched_off", "program_inactive", "服务期", "张*青"),
        ("no_budget", "budget_exhausted", "预算已用完", "张*青"),
        ("not_offered", "point_not_in_program", "不提供", "张*青"),
    ],
)
def test_each_refusal_reaches_the_counter_with_code_and_masked_name(
    call,
    program,
    point,
    clerk,
    make_worker,
    zhang,
    settings,
    monkeypatch,
    case,
    code,
    words,
    masked,
):
    fields = {
        "trucker_only": {"categories": TRUCKER},
        "switched_off": {"is_active": False},
        "no_budget": {"unit_cost_fen": 500, "budget_fen": 500},
    }.get(case, {})
    run = program("规则测试", **fields)
    if case == "not_offered":  # the clerk's other point offers it, this one does not
        point("另一服务点", programs=[run], staff=[clerk])
    desk = point("服务点", programs=[] if case == "not_offered" else [run], staff=[clerk])
    token = issue_card_token(zhang.pk)
    if case == "garbled":
        token = "not-a-card"
    elif case == "expired":
        token = issued_at(
            timezone.now() - datetime.timedelta(seconds=settings.CARD_TOKEN_TTL + 5),
            zhang.pk,
            monkeypatch,
        )
    elif case == "no_budget":
        other = make_worker("李四")
        assert checkin(call, clerk, desk, run, issue_card_token(other.pk)).status_code == 200
    response = checkin(call, clerk, desk, run, token)
    assert response.status_code == 409, response.content
    body = response.json()
    assert (body["ok"], body["code"], body["masked_name"]) == (False, code, masked)
    assert words in body["message"]
    assert not ServiceRecord.objects.filter(worker=zhang).exists()


def test_a_role_that_may_not_check_in_is_forbidden(call, staff, shop, breakfast, zhang):
    auditor = staff("auditor", "411702", Role.AUDITOR)
    response = checkin(call, auditor, shop, breakfast, issue_card_token(zhang.pk))
    assert response.status_code == 403
    assert ServiceRecord.objects.count() == 0


def test_point_staff_cannot_use_a_point_that_is_not_theirs(
    call, point, clerk, breakfast, shop, zhang
):
    elsewhere = point("别的早餐店", programs=[breakfast])
    response = checkin(call, clerk, elsewhere, breakfast, issue_card_token(zhang.pk))
    assert response.status_code == 404
    assert [p["id"] for p in call(clerk, "get", "/api/points").json()["items"]] == [shop.pk]


def test_luoyang_sees_nothing_of_zhumadian_programs_or_points(
    call, program, point, staff, luoyang_officer, zhumadian_officer, make_worker
):
    zmd_breakfast = program("驻马店早餐", org="411700")
    zmd_shop = point("驻马店早餐店", org="411702", programs=[zmd_breakfast])
    ly_breakfast = program("洛阳早餐", org="410300")
    ly_clerk = staff("ly_clerk", "410302", Role.POINT_STAFF)
    ly_shop = point("洛阳早餐店", org="410302", programs=[ly_breakfast], staff=[ly_clerk])
    province_wide = program("全省早餐")
    token = issue_card_token(make_worker(org="411702").pk)
    programs = call(luoyang_officer, "get", "/api/programs").json()["items"]
    assert {p["id"] for p in programs} == {ly_breakfast.pk, province_wide.pk}
    assert call(ly_clerk, "get", "/api/programs").json()["items"] == []  # a clerk reads nothing
    for user in (luoyang_officer, ly_clerk):
        assert call(user, "get", f"/api/programs/{zmd_breakfast.pk}").status_code == 404
        assert call(user, "get", f"/api/points/{zmd_shop.pk}").status_code == 404
        assert zmd_shop.pk not in {
            p["id"] for p in call(user, "get", "/api/points").json()["items"]
        }
        assert checkin(call, user, zmd_shop, zmd_breakfast, token).status_code == 404
        assert checkin(call, user, ly_shop, zmd_breakfast, token).status_code == 404
        batch = {"point": zmd_shop.pk, "program": zmd_breakfast.pk, "items": []}
        assert call(user, "post", "/api/checkins/batch", batch).status_code == 404
    assert {p["id"] for p in call(zhumadian_officer, "get", "/api/points").json()["items"]} == {
        zmd_shop.pk
    }
    assert ServiceRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/checkins"),
        ("post", "/api/checkins/batch"),
        ("get", "/api/programs"),
        ("get", "/api/programs/1"),
        ("get", "/api/points"),
    ],
)
def test_no_token_is_401(call, method, path):
    assert call(None, method, path, {}).status_code == 401


@pytest.mark.parametrize("path", ["/api/checkins", "/api/checkins/batch"])
def test_a_check_in_with_an_unknown_token_or_an_inactive_account_is_401_and_records_nothing(
    client, call, clerk, shop, breakfast, zhang, make_worker, path
):
    body = {
        "point": shop.pk,
        "program": breakfast.pk,
        "token": issue_card_token(zhang.pk),
        "items": [],
    }

    def post(key: str):
        return client.post(
            path,
            data=json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}"},
        )

    assert post("not-a-token").status_code == 401
    key = issue_api_token(user=clerk, name="扫码枪")
    assert post(key).status_code == 200
    stored = ServiceRecord.objects.count()
    User.objects.filter(pk=clerk.pk).update(is_active=False)
    body["token"] = issue_card_token(make_worker().pk)
    assert post(key).status_code == 401
    assert ServiceRecord.objects.count() == stored
    assert call(clerk, "get", "/api/points").status_code == 401  # the same rule as every route


def test_a_clerks_check_in_reads_its_token_and_all_it_needs_in_one_statement(
    call, clerk, shop, breakfast, zhang
):
    call(clerk, "get", "/api/points")  # the token is issued outside the count
    with CaptureQueriesContext(connection) as queries:
        response = checkin(call, clerk, shop, breakfast, issue_card_token(zhang.pk))
    assert response.status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    # Besides it, the write locks the audit chain's head (``audit.chain``) and nothing more.
    head = [sql for sql in reads if "audit_auditchain" in sql]
    reads = [sql for sql in reads if sql not in head]
    assert len(head) == 1 and len(reads) == 1, reads
    assert "accounts_apitoken" in reads[0] and "programs_servicepoint" in reads[0]


def test_health_needs_no_token(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/api/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_program_detail_shows_distinct_persons_money_budget_children_and_days(
    call, program, point, province_admin, zhumadian_officer, make_worker
):
    checkup = program(
        "年度体检",
        kind="one_off",
        frequency=Frequency.DAILY,
        unit_cost_fen=12345,
        budget_fen=100_000,
    )
    yicheng = point("驿城区医院", org="411702", programs=[checkup])
    xiping = point("西平县医院", org="411721", programs=[checkup])
    zhang, li = make_worker("张东青"), make_worker("李四")
    yesterday = timezone.now() - datetime.timedelta(days=1)
    record_service(
        by=province_admin, program=checkup, worker=zhang, point=xiping, served_at=yesterday
    )
    for who in (zhang, li):
        body = {"point": yicheng.pk, "program": checkup.pk, "token": issue_card_token(who.pk)}
        assert call(province_admin, "post", "/api/checkins", body).status_code == 200
    detail = call(zhumadian_officer, "get", f"/api/programs/{checkup.pk}").json()
    assert detail["org_scope_code"] == "411700"
    assert (detail["persons"], detail["person_times"]) == (2, 3)  # 张东青 counts once
    assert (detail["amount_fen"], detail["amount_yuan"]) == (37035, "370.35")
    # The budget is the whole province's: a city officer does not learn what others spent.
    assert (detail["budget_left_fen"], detail["budget_left_yuan"]) == (None, None)
    whole = call(province_admin, "get", f"/api/programs/{checkup.pk}").json()
    assert (whole["budget_left_fen"], whole["budget_left_yuan"]) == (62965, "629.65")
    children = {row["org_code"]: row for row in detail["children"]}
    assert (children["411702"]["persons"], children["411702"]["person_times"]) == (2, 2)
    assert (children["411721"]["persons"], children["411721"]["amount_yuan"]) == (1, "123.45")
    assert [(d["day"], d["person_times"]) for d in detail["days"]] == [
        (timezone.localdate(yesterday).isoformat(), 1),
        (timezone.localdate().isoformat(), 2),
    ]
    drill = call(zhumadian_officer, "get", f"/api/programs/{checkup.pk}", {"org": "411721"})
    assert (drill.json()["persons"], drill.json()["org_scope_code"]) == (1, "411721")
    assert (
        call(zhumadian_officer, "get", f"/api/programs/{checkup.pk}", {"org": "410300"}).status_code
        == 404
    )


# --- offline batches ---------------------------------------------------------------


@pytest.fixture
def morning():
    """07:10 yesterday, local time: an offline point's breakfast shift."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(7, 10)))


def test_offline_batch_judges_each_card_at_its_scan_time_and_reports_duplicates(
    call, clerk, shop, breakfast, zhang, make_worker, morning, settings, monkeypatch
):
    li = make_worker("李四")
    ttl = datetime.timedelta(seconds=settings.CARD_TOKEN_TTL)
    zhang_card = issued_at(morning, zhang.pk, monkeypatch)
    li_card = issued_at(morning, li.pk, monkeypatch)

    def item(token, minutes, request_id=None):
        return {
            "token": token,
            "served_at": (morning + datetime.timedelta(minutes=minutes)).isoformat(),
            "request_id": request_id or uuid.uuid4().hex,
        }

    items = [
        item(zhang_card, 1, "a"),
        item(zhang_card, 2, "b"),  # same worker, same day: a duplicate
        item(li_card, 3, "c"),
        item(li_card, 3, "c"),  # the same request sent twice
        item(li_card, ttl.total_seconds() / 60 + 5, "d"),  # a screenshot shown too late
        item("garbled", 4, "e"),
    ]
    body = {"point": shop.pk, "program": breakfast.pk, "items": items}
    response = call(clerk, "post", "/api/checkins/batch", body)
    assert response.status_code == 200, response.content
    report = response.json()
    outcomes = [(i["outcome"], i["code"], i["duplicate_of"]) for i in report["items"]]
    assert outcomes == [
        ("recorded", "", None),
        ("duplicate", "duplicate", 0),
        ("recorded", "", None),
        ("duplicate", "duplicate", 2),
        ("refused", "card_expired", None),
        ("refused", "card_invalid", None),
    ]
    assert report["items"][1]["masked_name"] == "张*青"
    assert (report["recorded"], report["duplicates"], report["refused"]) == (2, 2, 2)
    records = ServiceRecord.objects.order_by("served_at")
    assert [(r.worker_id, r.served_on, r.request_id) for r in records] == [
        (zhang.pk, morning.date(), "a"),
        (li.pk, morning.date(), "c"),
    ]
    assert records[0].served_at == morning + datetime.timedelta(minutes=1)

    again = call(clerk, "post", "/api/checkins/batch", body).json()
    assert [i["outcome"] for i in again["items"]] == [
        "repeated",
        "duplicate",
        "repeated",
        "duplicate",
        "refused",
        "refused",
    ]
    assert ServiceRecord.objects.count() == 2


def test_offline_item_already_served_online_is_refused_not_double_counted(
    call, clerk, shop, breakfast, zhang, monkeypatch
):
    assert checkin(call, clerk, shop, breakfast, issue_card_token(zhang.pk)).status_code == 200
    now = timezone.now()
    body = {
        "point": shop.pk,
        "program": breakfast.pk,
        "items": [
            {
                "token": issued_at(now, zhang.pk, monkeypatch),
                "served_at": now.isoformat(),
                "request_id": "offline-1",
            }
        ],
    }
    report = call(clerk, "post", "/api/checkins/batch", body).json()
    assert [(i["outcome"], i["code"]) for i in report["items"]] == [("refused", "already_served")]
    assert ServiceRecord.objects.count() == 1


def test_offline_point_staff_must_scan_cards_but_officers_may_type_ids(
    call, clerk, shop, breakfast, zhang, yicheng_officer, morning
):
    item = {"worker_id": zhang.pk, "served_at": morning.isoformat(), "request_id": "typed"}
    body = {"point": shop.pk, "program": breakfast.pk, "items": [item]}
    refused = call(clerk, "post", "/api/checkins/batch", body).json()
    assert refused["items"][0]["code"] == "card_required"
    recorded = call(yicheng_officer, "post", "/api/checkins/batch", body).json()
    assert recorded["items"][0]["outcome"] == "recorded"
    assert ServiceRecord.objects.get().channel == "manual"


def test_offline_service_time_in_the_future_is_refused(call, clerk, shop, breakfast, zhang):
    later = timezone.now() + datetime.timedelta(hours=2)
    item = {
        "token": issue_card_token(zhang.pk),
        "served_at": later.isoformat(),
        "request_id": "x",
    }
    body = {"point": shop.pk, "program": breakfast.pk, "items": [item]}
    report = call(clerk, "post", "/api/checkins/batch", body).json()
    assert report["items"][0]["code"] == "served_at_in_future"
    assert ServiceRecord.objects.count() == 0


def matches(schema, body: dict) -> None:
    """``body`` has exactly ``schema``'s fields, each of its type."""
    assert set(body) == set(schema.model_fields), set(body) ^ set(schema.model_fields)
    schema.model_validate(body)


def test_hand_rendered_check_in_answers_keep_their_documented_schemas(
    call, clerk, shop, breakfast, zhang
):
    first = checkin(call, clerk, shop, breakfast, issue_card_token(zhang.pk))
    again = checkin(call, clerk, shop, breakfast, issue_card_token(zhang.pk))
    assert (first.status_code, again.status_code) == (200, 409)
    matches(CheckInOut, first.json())
    matches(RefusalOut, again.json())
    assert again.json()["code"] == "already_served"
