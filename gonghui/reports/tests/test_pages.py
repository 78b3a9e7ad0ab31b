"""The report card page, its downloads and /api/reports/card: the same card, drilled down
one click at a time, and nothing of an org outside the caller's subtree."""

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from gonghui.tests.answers import visible_text

pytestmark = pytest.mark.django_db


def test_the_page_prints_the_sentences_and_drills_down_to_a_county(world, client, province_admin):
    client.force_login(province_admin)
    province = client.get("/reports/", {"year": 2026})
    assert province.status_code == 200
    text = visible_text(province)
    assert "为3名环卫工人提供免费早餐5人次" in text
    assert '<a href="?org=411700&amp;year=2026">驻马店市总工会</a>' in province.content.decode()
    city = client.get("/reports/", {"org": "411700", "year": 2026})
    page = city.content.decode()
    assert "本级（驻马店市总工会）" in page and 'href="?org=411702&amp;year=2026"' in page
    assert "为2名环卫工人提供免费早餐4人次" in visible_text(city)
    county = client.get("/reports/", {"org": "411702", "year": 2026})
    trail = re.search(r'<nav class="breadcrumbs" id="trail">(.*?)</nav>', visible_text(county))
    assert re.findall(r">([^<]+)</(?:a|strong)>", trail[1]) == [
        "河南省总工会",
        "驻马店市总工会",
        "驿城区总工会",
    ]


def test_a_span_of_dates_and_a_bad_query_on_the_page(world, client, province_admin):
    client.force_login(province_admin)
    march = client.get("/reports/", {"from": "2026-03-01", "to": "2026-03-31"})
    assert "2026年3月" in visible_text(march)
    assert "帮助2名农民工追回工资及赔偿金1550元" in visible_text(march)
    wrong = client.get("/reports/", {"from": "2026-03-31", "to": "2026-03-01"})
    assert wrong.status_code == 200
    assert "早于开始日期" in visible_text(wrong) and 'id="problem"' in wrong.content.decode()


def test_excel_and_pdf_downloads_carry_the_org_and_period(world, client, province_admin):
    client.force_login(province_admin)
    xlsx = client.get("/reports/card.xlsx", {"org": "411700", "year": 2026})
    assert "411700" in xlsx["Content-Disposition"] and "2026" in xlsx["Content-Disposition"]
    book = load_workbook(BytesIO(xlsx.content))
    assert book["成绩单"]["A1"].value == "驻马店市总工会2026年成绩单"
    pdf = client.get("/reports/card.pdf", {"org": "411700", "year": 2026})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_api_answers_the_card_with_the_drill_down(world, call, province_admin):
    answer = call(
        province_admin, "get", "/api/reports/card", {"org": "411700", "year": 2026, "by": "child"}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    figures = {f["id"]: f for f in body["figures"]}
    assert figures["programs.breakfast_times"]["value"] == 4
    assert figures["programs.breakfast_persons"]["printed"] == "2名"
    assert body["by_child"][0]["own"] is True and body["by_child"][0]["org"] == "411700"
    assert body["period"] == {"from": "2026-01-01", "to": "2026-12-31"}
    march = call(
        province_admin, "get", "/api/reports/card", {"from": "2026-03-01", "to": "2026-03-31"}
    )
    assert {f["id"]: f["value"] for f in march.json()["figures"]}["rights.recovered"] == 155_000
    assert "by_child" not in march.json() or march.json()["by_child"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": 2026, "from": "2026-01-01", "to": "2026-02-01"}, "start"),
        ({"from": "2026-02-01", "to": "2026-01-01"}, "end"),
        ({"from": "2026-02-01"}, "start"),
        ({"year": 10000}, "year"),
    ],
)
def test_the_api_refuses_a_bad_period_naming_the_parameter(query, field, call, province_admin):
    answer = call(province_admin, "get", "/api/reports/card", query)
    assert answer.status_code in (400, 422)
    assert answer.json()["field"] == field


def test_a_sibling_gets_nothing_of_zhumadian(world, client, call, luoyang_officer):
    client.force_login(luoyang_officer)
    for path in ("/reports/", "/reports/card.xlsx", "/reports/card.pdf"):
        assert client.get(path, {"org": "411700", "year": 2026}).status_code == 404, path
    own = client.get("/reports/", {"year": 2026})
    assert "洛阳市总工会" in visible_text(own) and "驻马店" not in visible_text(own)
    assert call(luoyang_officer, "get", "/api/reports/card", {"org": "411702"}).status_code == 404
    answer = call(luoyang_officer, "get", "/api/reports/card", {"year": 2026, "by": "child"})
    assert {row["org"] for row in answer.json()["by_child"]} == {"410300"} | {
        row["org"] for row in answer.json()["by_child"] if row["org"].startswith("4103")
    }
    figures = {f["id"]: f["value"] for f in answer.json()["figures"]}
    assert figures["programs.breakfast_times"] == 1 and figures["rights.recovered"] == 0


def test_the_monthly_series_leave_out_persons_and_plan_years(world, client, province_admin):
    client.force_login(province_admin)
    found = client.get("/reports/months.json", {"org": "411700", "year": 2026}).json()
    assert found["months"] == [f"2026-{m:02d}" for m in range(1, 13)]
    series = {s["id"]: s for module in found["modules"] for s in module["series"]}
    assert series["programs.breakfast_times"]["values"][2:7] == [2, 0, 0, 0, 2]
    assert series["rights.recovered"]["per_unit"] == 100
    assert sum(series["rights.recovered"]["values"]) == 205_000
    assert not any(key.startswith("mutualaid.") for key in series)  # kept per plan year
    assert "programs.breakfast_persons" not in series  # persons do not add up by month


def test_the_province_card_has_a_map_of_its_cities_and_a_city_card_none(
    world, client, province_admin
):
    client.force_login(province_admin)
    assert 'data-map="/reports/map/410000.json"' in client.get("/reports/", {"year": 2026}).text
    assert "data-map=" not in client.get("/reports/", {"org": "411700", "year": 2026}).text
    outlines = client.get("/reports/map/410000.json").json()
    ids = {feature["id"] for feature in outlines["features"]}
    assert "4117" in ids and len(ids) == 17  # the package has no outline of 济源 (419001)


def test_a_city_officer_gets_no_province_map(world, client, luoyang_officer):
    client.force_login(luoyang_officer)
    assert client.get("/reports/map/410000.json").status_code == 404
    assert "data-map=" not in client.get("/reports/", {"year": 2026}).text
