"""POST /api/programs and POST /api/programs/{id}/points: programmes and service points
created as on their pages, through the same services, with the project's error shape."""

import datetime

import pytest

from gonghui.accounts.models import Role
from gonghui.audit.models import AuditEvent
from gonghui.programs.models import Program, ServicePoint

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _program(**changes) -> dict:
    return {
        "org": "411702",
        "name": "驿城区送清凉",
        "kind": "daily",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + datetime.timedelta(days=60)).isoformat(),
        "frequency": "daily",
        "unit_cost_fen": 500,
        "budget_fen": 1_000_000,
        **changes,
    }


def test_an_officer_creates_a_programme_for_their_area(call, yicheng_officer):
    answer = call(yicheng_officer, "post", "/api/programs", _program(categories=1, min_age=18))
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    program = Program.objects.get(pk=body["id"])
    assert (body["org_code"], body["unit_cost_fen"], body["budget_fen"]) == ("411702", 500, 10**6)
    assert (program.categories, program.min_age, program.budget_set_by) == (1, 18, yicheng_officer)
    assert AuditEvent.objects.filter(object_type="program", object_id=program.pk).exists()
    listed = call(yicheng_officer, "get", "/api/programs").json()
    assert body["id"] in [p["id"] for p in listed["items"]]


@pytest.mark.parametrize(
    ("changes", "status", "code", "field"),
    [
        ({"org": "410300"}, 404, "not_found", None),  # an org code it may not see
        ({"min_age": 151}, 422, "invalid_request", "min_age"),
        ({"ends_on": (TODAY - datetime.timedelta(days=1)).isoformat()}, 400, "invalid", None),
        ({"unit_cost_fen": -1}, 422, "invalid_request", "unit_cost_fen"),
        ({"kind": "lottery"}, 422, "invalid_request", "kind"),
        ({"name": ""}, 422, "invalid_request", "name"),
    ],
)
def test_a_refused_programme_answers_in_the_error_shape_and_writes_nothing(
    call, yicheng_officer, changes, status, code, field
):
    answer = call(yicheng_officer, "post", "/api/programs", _program(**changes))
    assert answer.status_code == status, answer.json()
    body = answer.json()
    assert body["code"] == code and body["message"]
    if field:
        assert body["field"] == field
    assert not Program.objects.exists()


def test_a_reader_may_not_create(call, staff):
    auditor = staff("auditor", "411702", Role.AUDITOR)
    answer = call(auditor, "post", "/api/programs", _program())
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"
    assert not Program.objects.exists()


def test_a_point_offers_the_programme_with_its_clerks(call, program, zhumadian_officer, staff):
    breakfast = program("环卫工人免费早餐", org="411700")
    clerk = staff("yicheng_clerk", "411702", Role.POINT_STAFF)
    url = f"/api/programs/{breakfast.pk}/points"
    body = {
        "org": "411702",
        "name": "驿城区早餐店",
        "address": "解放路1号",
        "staff": [clerk.username],
    }
    answer = call(zhumadian_officer, "post", url, body)
    assert answer.status_code == 200, answer.json()
    made = answer.json()
    assert (made["name"], made["org_code"], made["programs"]) == (
        "驿城区早餐店",
        "411702",
        [breakfast.pk],
    )
    point = ServicePoint.objects.get(pk=made["id"])
    assert list(point.staff.all()) == [clerk]
    assert made["id"] in [p["id"] for p in call(clerk, "get", "/api/points").json()["items"]]


def test_a_point_outside_the_programme_or_with_unknown_staff_is_refused(
    call, program, zhumadian_officer, staff
):
    city = program("驿城区早餐", org="411702")
    url = f"/api/programs/{city.pk}/points"
    outside = call(zhumadian_officer, "post", url, {"org": "411721", "name": "西平县早餐店"})
    assert outside.status_code == 400 and outside.json()["code"] == "point_outside_program"
    staff("luoyang_clerk", "410300", Role.POINT_STAFF)
    strangers = {"org": "411702", "name": "驿城区早餐店", "staff": ["luoyang_clerk", "nobody"]}
    unknown = call(zhumadian_officer, "post", url, strangers)
    assert unknown.status_code == 400
    assert unknown.json() == {
        "code": "unknown_staff",
        "message": "以下账号不存在或不在您的管辖范围内：luoyang_clerk、nobody",
        "field": "staff",
    }
    assert not ServicePoint.objects.exists()


def test_a_sibling_city_gets_404_for_the_programme_and_its_points(call, program, luoyang_officer):
    breakfast = program("环卫工人免费早餐", org="411700")
    url = f"/api/programs/{breakfast.pk}/points"
    answer = call(luoyang_officer, "post", url, {"org": "410311", "name": "洛龙区早餐店"})
    assert answer.status_code == 404 and answer.json()["code"] == "not_found"
    assert call(luoyang_officer, "post", "/api/programs", _program()).status_code == 404
    assert not ServicePoint.objects.exists() and Program.objects.count() == 1
