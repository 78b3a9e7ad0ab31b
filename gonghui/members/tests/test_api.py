"""/api/workers: same scope, validation and audit as the console, numbers only masked."""

import json
import random

import pytest

from gonghui.accounts.models import Role
from gonghui.accounts.services import issue_api_token
from gonghui.audit.models import AuditEvent
from gonghui.members.generate import make_id
from gonghui.members.models import Transfer, Worker

ZHANG_ID = make_id(random.Random(5), "411702")
PHONE = "13800138000"  # conftest's make_worker gives every worker this phone
# The token lookup, the page's count and the page's rows (org and employer joined in).
LIST_QUERIES = 3


@pytest.fixture
def zhang(make_worker):
    """张东青 of 驿城区, with a known ID number."""
    return make_worker("张东青", org="411702", id_number=ZHANG_ID)


def new_worker_body(**overrides) -> dict:
    body = {
        "name": "王秀英",
        "id_number": make_id(random.Random(11), "410302"),
        "phone": "13912345678",
        "org": "410302",
        "categories": ["快递员"],
        "joined_on": "2021-05-01",
    }
    return body | overrides


# Every /api/workers endpoint; "{id}" is a 驻马店 (驿城区) worker.
ENDPOINTS = [
    ("get", "/api/workers"),
    ("get", "/api/workers/{id}"),
    ("post", "/api/workers"),
    ("patch", "/api/workers/{id}"),
    ("post", "/api/workers/find"),  # the sibling's 404: test_a_whole_id_number_is_found_…
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_worker_endpoint_needs_a_token(call, zhang, method, path):
    response = call(None, method, path.format(id=zhang.pk), new_worker_body())
    assert response.status_code == 401
    assert Worker.objects.count() == 1


# --- sibling-subtree isolation: 洛阳 sees nothing of 驻马店 -------------------------------


@pytest.mark.parametrize(
    ("method", "data"), [("get", None), ("patch", {"name": "改名"}), ("patch", {"org": "410302"})]
)
def test_sibling_city_gets_404_for_a_zhumadian_worker(call, luoyang_officer, zhang, method, data):
    response = call(luoyang_officer, method, f"/api/workers/{zhang.pk}", data)
    missing = call(luoyang_officer, method, f"/api/workers/{zhang.pk + 1000}", data)
    # indistinguishable from a worker that does not exist
    assert (response.status_code, response.json()) == (404, missing.json())
    zhang.refresh_from_db()
    assert (zhang.name, zhang.org.code) == ("张东青", "411702")


@pytest.mark.parametrize(
    "query", [{}, {"q": "zhangdongqing"}, {"q": "张东青"}, {"q": ZHANG_ID[-4:]}, {"member": True}]
)
def test_sibling_city_lists_none_of_zhumadian_workers(
    call, luoyang_officer, zhang, make_worker, query
):
    mine = make_worker("张东青", org="410302", id_number=make_id(random.Random(6), "410302"))
    body = call(luoyang_officer, "get", "/api/workers", query).json()
    ids = {w["id"] for w in body["items"]}
    assert zhang.pk not in ids
    assert not [w for w in body["items"] if w["org_code"].startswith("4117")]
    if not query.get("q", "").isdigit():
        assert ids == {mine.pk}


@pytest.mark.parametrize("org", ["411702", "411700"])
def test_sibling_city_filtering_by_a_zhumadian_org_is_404(call, luoyang_officer, zhang, org):
    response = call(luoyang_officer, "get", "/api/workers", {"org": org})
    assert response.status_code == 404


def test_sibling_city_cannot_register_into_a_zhumadian_org(call, luoyang_officer):
    response = call(luoyang_officer, "post", "/api/workers", new_worker_body(org="411702"))
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_org"
    assert response.json()["field"] == "org"  # the payload's attribute, not the column
    assert not Worker.objects.exists()


def test_sibling_city_cannot_take_over_a_zhumadian_worker_by_id_number(
    call, luoyang_officer, zhang
):
    response = call(luoyang_officer, "post", "/api/workers", new_worker_body(id_number=ZHANG_ID))
    assert response.status_code == 400
    assert response.json()["code"] == "out_of_scope"
    zhang.refresh_from_db()
    assert (zhang.name, zhang.org.code) == ("张东青", "411702")


def test_sibling_city_cannot_move_its_worker_into_zhumadian(call, luoyang_officer, make_worker):
    worker = make_worker(org="410302")
    response = call(luoyang_officer, "patch", f"/api/workers/{worker.pk}", {"org": "411702"})
    assert response.status_code == 422
    assert response.json()["field"] == "org"
    assert not Transfer.objects.exists()


def test_county_officer_sees_own_county_workers_only(call, yicheng_officer, zhang, make_worker):
    xiping = make_worker(org="411721")
    luoyang = make_worker(org="410302")
    body = call(yicheng_officer, "get", "/api/workers").json()
    assert [w["id"] for w in body["items"]] == [zhang.pk]
    assert call(yicheng_officer, "get", f"/api/workers/{zhang.pk}").status_code == 200
    for other in (xiping, luoyang):
        assert call(yicheng_officer, "get", f"/api/workers/{other.pk}").status_code == 404


# --- reading --------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["zhangdongqing", "zdq", "張東青", "张东青", "东青"])
def test_search_finds_zhang_by_pinyin_initials_or_either_script(
    call, yicheng_officer, zhang, make_worker, q
):
    make_worker("李芳", org="411702")
    body = call(yicheng_officer, "get", "/api/workers", {"q": q}).json()
    assert [w["name"] for w in body["items"]] == ["张东青"]


def test_a_whole_id_number_is_found_by_post_only_and_audited(
    call, yicheng_officer, luoyang_officer, zhang
):
    assert call(yicheng_officer, "get", "/api/workers", {"q": ZHANG_ID}).json()["count"] == 0
    found = call(yicheng_officer, "post", "/api/workers/find", {"id_number": ZHANG_ID})
    assert found.status_code == 200 and found.json()["name"] == "张东青"
    assert ZHANG_ID not in found.wsgi_request.get_full_path()
    hidden = call(luoyang_officer, "post", "/api/workers/find", {"id_number": ZHANG_ID})
    assert hidden.status_code == 404
    searches = AuditEvent.objects.filter(action="id_search").order_by("id")
    assert [(e.actor_id, e.after["found"]) for e in searches] == [
        (yicheng_officer.pk, True),
        (luoyang_officer.pk, False),
    ]


def test_worker_shows_masked_numbers_and_derived_fields(
    call, zhumadian_officer, make_worker, an_employer
):
    worker = make_worker(
        "张东青",
        org="411702",
        id_number=ZHANG_ID,
        employer=an_employer,
        categories="环卫工人、外卖骑手",
        joined_on="2020-01-01",
    )
    response = call(zhumadian_officer, "get", f"/api/workers/{worker.pk}")
    assert ZHANG_ID not in response.content.decode() and PHONE not in response.content.decode()
    assert response.json() == {
        "id": worker.pk,
        "name": "张东青",
        "sex": worker.sex,
        "birth_year": int(ZHANG_ID[6:10]),
        "id_masked": ZHANG_ID[:4] + "*" * 13 + ZHANG_ID[-1:],
        "phone_masked": "138****8000",
        "org_code": "411702",
        "org_name": worker.org.name,
        "employer_name": an_employer[0],
        "employer_uscc": an_employer[1],
        "categories": ["环卫工人", "外卖骑手"],
        "is_member": True,
        "joined_on": "2020-01-01",
    }


def test_list_filters_by_org_subtree_category_and_membership(
    call, zhumadian_officer, grassroots, make_worker
):
    courier = make_worker(org=grassroots.code, categories="快递员", joined_on="")
    sweeper = make_worker(org="411702", categories="环卫工人")
    xiping = make_worker(org="411721", categories="环卫工人")

    def ids(**query):
        body = call(zhumadian_officer, "get", "/api/workers", query).json()
        return {w["id"] for w in body["items"]}

    assert ids() == {courier.pk, sweeper.pk, xiping.pk}
    assert ids(org="411702") == {courier.pk, sweeper.pk}
    assert ids(org=grassroots.code) == {courier.pk}
    assert ids(category="环卫工人") == {sweeper.pk, xiping.pk}
    assert ids(category="新就业形态劳动者") == {courier.pk}
    assert ids(member=False) == {courier.pk}
    assert ids(member=True, org="411702") == {sweeper.pk}


@pytest.mark.parametrize("rows", [3, 30])
def test_list_makes_the_same_number_of_queries_whatever_the_row_count(
    client,
    zhumadian_officer,
    grassroots,
    make_worker,
    an_employer,
    rows,
    django_assert_num_queries,
):
    for n in range(rows):
        make_worker(org=grassroots.code if n % 2 else "411702", employer=an_employer)
    headers = {"Authorization": f"Bearer {issue_api_token(user=zhumadian_officer, name='t')}"}
    with django_assert_num_queries(LIST_QUERIES):
        body = client.get("/api/workers", headers=headers).json()
    assert body["count"] == len(body["items"]) == rows
    assert {w["employer_name"] for w in body["items"]} == {an_employer[0]}


# --- writing --------------------------------------------------------------------------


def test_create_registers_a_masked_audited_worker(call, luoyang_officer):
    body = new_worker_body()
    response = call(luoyang_officer, "post", "/api/workers", body)
    assert response.status_code == 201, response.json()
    assert body["id_number"] not in response.content.decode()
    assert body["phone"] not in response.content.decode()
    created = response.json()
    assert created["org_code"] == "410302"
    assert created["categories"] == ["快递员"]
    assert created["is_member"] is True
    assert created["phone_masked"] == "139****5678"
    event = AuditEvent.objects.get(action="create", object_type="worker")
    assert event.object_id == str(created["id"])
    assert event.actor == luoyang_officer
    assert event.client_ip == "127.0.0.1"
    assert body["id_number"] not in json.dumps(event.after)


def test_create_reports_every_invalid_field_in_chinese(call, luoyang_officer):
    bad_id = ZHANG_ID[:-1] + ("0" if ZHANG_ID[-1] != "0" else "1")
    response = call(
        luoyang_officer,
        "post",
        "/api/workers",
        new_worker_body(id_number=bad_id, phone="12345", categories=["宇航员"]),
    )
    assert response.status_code == 422
    error = response.json()
    assert (error["code"], error["field"]) == ("id_checksum", "id_number")
    assert "校验位" in error["message"]
    fields = {e["field"] for e in error["errors"]}
    assert fields == {"id_number", "phone", "categories"}
    assert not Worker.objects.exists()


def test_errors_name_the_payloads_attributes(call, luoyang_officer):
    """The service says ``uscc`` and ``org_code``; the API's caller wrote ``employer_uscc``
    and ``org``, so that is what ``field`` says."""
    body = new_worker_body(employer_name="某公司", employer_uscc="91411702MA00000000", org="")
    response = call(luoyang_officer, "post", "/api/workers", body)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"employer_uscc", "org"}


def test_create_with_nothing_says_what_is_missing(call, luoyang_officer):
    response = call(luoyang_officer, "post", "/api/workers", {})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"name", "id_number", "org"} <= fields


def test_update_that_changes_the_org_records_a_transfer_and_an_audit_event(
    call, zhumadian_officer, zhang, grassroots
):
    response = call(zhumadian_officer, "patch", f"/api/workers/{zhang.pk}", {"org": "411721"})
    assert response.status_code == 200, response.json()
    assert response.json()["org_code"] == "411721"
    assert response.json()["name"] == "张东青"  # fields not sent are kept
    assert response.json()["phone_masked"] == "138****8000"
    transfer = Transfer.objects.get(worker=zhang)
    assert (transfer.from_org.code, transfer.to_org.code) == ("411702", "411721")
    assert transfer.by == zhumadian_officer
    event = AuditEvent.objects.get(action="update", object_type="worker")
    assert event.object_id == str(zhang.pk)
    assert event.actor == zhumadian_officer
    assert event.client_ip == "127.0.0.1"
    assert event.before["org_id"] == zhang.org_id
    zhang.refresh_from_db()
    assert zhang.org_path == "410000/411700/411721/"


def test_update_keeps_what_was_not_sent(call, zhumadian_officer, make_worker, an_employer):
    worker = make_worker(org="411702", employer=an_employer, categories="外卖骑手")
    response = call(zhumadian_officer, "patch", f"/api/workers/{worker.pk}", {"name": "张東青"})
    assert response.status_code == 200
    changed = response.json()
    assert changed["name"] == "张東青"
    assert changed["employer_uscc"] == an_employer[1]
    assert changed["categories"] == ["外卖骑手"]
    assert changed["joined_on"] == "2020-01-01"
    assert not Transfer.objects.exists()
    event = AuditEvent.objects.get(action="update")
    assert event.before == {"name": worker.name} and event.after == {"name": "张東青"}


def test_update_with_null_joined_on_ends_membership(call, zhumadian_officer, zhang):
    response = call(zhumadian_officer, "patch", f"/api/workers/{zhang.pk}", {"joined_on": None})
    assert response.json()["is_member"] is False
    assert response.json()["joined_on"] is None


def test_update_cannot_change_the_id_number(call, zhumadian_officer, zhang):
    other = make_id(random.Random(9), "411702")
    url = f"/api/workers/{zhang.pk}"
    response = call(zhumadian_officer, "patch", url, {"id_number": other})
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("id_immutable", "id_number")
    assert not Worker.objects.filter(id_masked__endswith=other[-4:]).exclude(pk=zhang.pk).exists()
    # the same number, written differently, is not a change
    same = call(zhumadian_officer, "patch", url, {"id_number": ZHANG_ID.lower() + " "})
    assert same.status_code == 200


def test_update_validation_error_names_the_field_and_changes_nothing(
    call, zhumadian_officer, zhang
):
    response = call(
        zhumadian_officer,
        "patch",
        f"/api/workers/{zhang.pk}",
        {"phone": "12345", "joined_on": "1900-01-01", "name": "新名字"},
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"phone", "joined_on"}
    zhang.refresh_from_db()
    assert zhang.name == "张东青"
    assert not AuditEvent.objects.filter(action="update").exists()


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/api/workers", new_worker_body(org="411702")),
        ("post", "/api/workers", {}),
        ("patch", "/api/workers/{id}", {"name": "改名"}),
    ],
)
def test_auditor_reads_but_gets_403_on_writes(call, staff, zhang, method, path, data):
    auditor = staff("auditor", "411700", Role.AUDITOR)
    assert call(auditor, "get", f"/api/workers/{zhang.pk}").status_code == 200
    response = call(auditor, method, path.format(id=zhang.pk), data)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Worker.objects.get().name == "张东青"


# --- the schema -----------------------------------------------------------------------


def test_openapi_schema_lists_every_endpoint_and_each_has_a_scope_test(client):
    from gonghui.orgs.tests.test_api import ENDPOINTS as ORG_ENDPOINTS

    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    documented = {
        (method, path)
        for path, operations in paths.items()
        if path.startswith(("/api/orgs", "/api/workers"))
        for method in operations
    }
    tested = {(m, p.replace("{id}", "{worker_id}")) for m, p in ENDPOINTS}
    tested |= {(m, p.replace("411702", "{code}")) for m, p, _ in ORG_ENDPOINTS}
    assert documented == tested
    assert paths["/api/workers"]["get"]["security"] == [{"TokenAuth": []}]


@pytest.mark.django_db
def test_malformed_request_is_answered_in_chinese_with_the_field(call, province_admin):
    response = call(province_admin, "get", "/api/workers", {"member": "maybe"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["field"] == "member" and "格式不正确" in body["message"]
