"""Every case of issue 18's first list answers a 4xx naming the parameter, never a 500.

Each was a 500 before: an offset or id past 2^63 reached the database, a year past 2100
or the month 0000-01 reached ``datetime``, a BD-09 point near a pole reached the
converter, a multipart body without a boundary reached Django's parser.
"""

import pytest

from gonghui.accounts.services import issue_api_token

HUGE = 2**64
pytestmark = pytest.mark.django_db
PAGED = [
    "/api/workers",
    "/api/orgs",
    "/api/points",
    "/api/programs",
    "/api/stations",
    "/api/training/classes",
    "/api/training/competitions",
    "/api/training/funds",
    "/api/culture/events",
    "/api/culture/bookhouses",
    "/api/culture/campaigns",
    "/api/rights/cases",
    "/api/mutualaid/claims",
]


def _refused(response, field: str) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response.json()["field"] == field, response.json()


@pytest.mark.parametrize("path", PAGED)
def test_an_offset_past_the_databases_integers_is_refused(call, province_admin, path):
    _refused(call(province_admin, "get", path, {"offset": str(HUGE)}), "offset")
    _refused(call(province_admin, "get", path, {"limit": "0"}), "limit")
    assert call(province_admin, "get", path, {"offset": "5", "limit": "2"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/checkins", {"point": HUGE, "program": 1, "token": "x"}, "point"),
        (
            "/api/checkins/batch",
            {"point": 1, "program": HUGE, "items": []},
            "program",
        ),
        ("/api/culture/events/1/attendees", {"worker_ids": [HUGE]}, "worker_ids.0"),
        (
            "/api/rights/cases/1/workers",
            {"items": [{"worker": HUGE, "owed_fen": 100}]},
            "items.0.worker",
        ),
        (
            "/api/rights/cases/1/recoveries",
            {"items": [{"case_worker": 1, "wages_fen": HUGE, "recovered_on": "2026-05-01"}]},
            "items.0.wages_fen",
        ),
        (
            "/api/mutualaid/claims",
            {
                "enrolment": HUGE,
                "category": "恶性肿瘤",
                "diagnosed_on": "2026-05-10",
                "hospital": "医院",
                "diagnosis": "诊断",
                "claimed_fen": 100,
            },
            "enrolment",
        ),
        (
            "/api/mutualaid/plans",
            {
                "org": "411700",
                "year": 2026,
                "name": "计划",
                "contribution_fen": HUGE,
                "enrol_opens": "2026-01-01",
                "enrol_closes": "2026-03-31",
                "cover_starts": "2026-01-01",
                "cover_ends": "2026-12-31",
                "annual_cap_fen": 100,
                "waiting_days": 0,
                "benefits": {},
            },
            "contribution_fen",
        ),
        ("/api/mutualaid/enrolments", {"plan": 1, "worker": 0, "paid_on": "2026-01-01"}, "worker"),
    ],
)
def test_ids_and_amounts_past_the_databases_integers_are_refused(
    call, province_admin, path, body, field
):
    _refused(call(province_admin, "post", path, body), field)


@pytest.mark.parametrize(
    "path",
    ["/api/workers/{}", "/api/rights/cases/{}", "/api/mutualaid/claims/{}", "/api/stations/{}"],
)
def test_a_path_id_past_the_databases_integers_is_refused(call, province_admin, path):
    _refused(call(province_admin, "get", path.format(HUGE)), path.rsplit("/", 2)[1][:-1] + "_id")


@pytest.mark.parametrize("path", ["/api/rights/figures", "/api/culture/bookhouses"])
@pytest.mark.parametrize("year", ["10000", "1948", "2101", str(HUGE)])
def test_a_year_outside_1949_to_2100_is_refused(call, province_admin, path, year):
    _refused(call(province_admin, "get", path, {"year": year}), "year")


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "0000-01", "2026-13", "1948-12"])
def test_a_month_outside_the_years_is_refused(call, province_admin, month):
    _refused(call(province_admin, "get", "/api/culture/events", {"month": month}), "month")
    answer = call(province_admin, "get", "/api/culture/events", {"month": "2100-12"})
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("lat", "lng"), [(90, 0), (-90, 0), (0, -180), (-89.999, -179.99), (90, 180), (0, 180)]
)
def test_bd09_points_at_the_edge_of_the_map_are_converted(client, lat, lng):
    answer = client.get("/api/stations/nearest", {"lat": lat, "lng": lng, "coord": "bd09"})
    assert answer.status_code == 200, answer.content
    assert isinstance(answer.json(), list)


@pytest.mark.parametrize(("lat", "lng", "field"), [(90.5, 0, "lat"), (0, -180.01, "lng")])
def test_points_off_the_earth_are_refused(client, lat, lng, field):
    answer = client.get("/api/stations/nearest", {"lat": lat, "lng": lng, "coord": "bd09"})
    _refused(answer, field)


def test_an_upload_without_a_boundary_is_a_400(client, province_admin):
    token = issue_api_token(user=province_admin, name="pytest")
    answer = client.post(
        "/api/mutualaid/claims/1/documents",
        data=b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--x--\r\n",
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "bad_upload"


@pytest.mark.parametrize("path", ["/api/checkins", "/api/workers", "/workers/import/"])
def test_a_multipart_body_without_a_boundary_is_a_400_wherever_it_is_sent(client, path):
    """Found by schemathesis: the check-in endpoint answered such a body with a 500."""
    answer = client.generic(
        "POST",
        path,
        b'{"point": 1, "program": 1, "token": "x", "request_id": ""}',
        content_type="multipart/form-data",
        headers={"Authorization": "Bearer x"},
    )
    assert answer.status_code == 400
    assert "须为带 boundary 的 multipart/form-data" in answer.content.decode()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/workers", {"name": "张\x00三"}, "name"),
        ("/api/rights/cases/1/transfer", {"to_org": "411702", "reason": "a\x00"}, "reason"),
        (
            "/api/checkins/batch",
            {
                "point": 1,
                "program": 1,
                "items": [
                    {"token": "\x00", "served_at": "2026-05-01T08:00:00+08:00", "request_id": "1"}
                ],
            },
            "items.0.token",
        ),
    ],
)
def test_nul_in_a_body_string_is_refused_naming_the_field(call, province_admin, path, body, field):
    answer = call(province_admin, "post", path, body)
    assert answer.status_code == 400
    _refused(answer, field)


def test_nul_in_a_query_string_is_refused_naming_the_parameter(call, province_admin):
    answer = call(province_admin, "get", "/api/rights/figures", {"org": "41\x00"})
    assert answer.status_code == 400
    _refused(answer, "org")


@pytest.mark.parametrize("year", ["10000", "1948", str(HUGE)])
def test_the_wage_figures_page_and_export_answer_an_impossible_year_in_words(
    client, province_admin, year
):
    client.force_login(province_admin)
    page = client.get("/rights/figures/", {"year": year})
    assert page.status_code == 200
    assert "年份须在 1949–2100 之间" in page.content.decode()
    export = client.get("/rights/figures/export.xlsx", {"year": year})
    assert export.status_code == 400
    assert "1949–2100" in export.content.decode()


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "0000-01", "1948-12", "2101-01"])
def test_the_culture_calendar_answers_a_month_outside_the_years(client, province_admin, month):
    client.force_login(province_admin)
    page = client.get("/culture/", {"month": month})
    assert page.status_code == 200
    assert "月份须在 1949年1月至2100年12月之间（YYYY-MM）：" + month in page.content.decode()


def test_a_plan_without_a_name_is_refused_before_the_model(call, province_admin):
    """schemathesis found this 500: an empty name passed the schema and failed full_clean."""
    body = {
        "org": "410000",
        "year": 2026,
        "name": "",
        "contribution_fen": 1,
        "enrol_opens": "2026-01-01",
        "enrol_closes": "2026-01-01",
        "cover_starts": "2026-01-01",
        "cover_ends": "2026-01-01",
        "annual_cap_fen": 1,
        "waiting_days": 0,
        "benefits": {"x": 10**13},
    }
    _refused(call(province_admin, "post", "/api/mutualaid/plans", body), "name")
