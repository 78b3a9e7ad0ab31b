"""The mutual-aid figures page: the card's indicators by child org, with 本级 (workers
enrolled at 驻马店 itself), every county listed, 合计, the same period picker as the card."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from gonghui.mutualaid.indicators import FIGURES
from gonghui.mutualaid.services import approve_claim, enrol_worker, move_claim, pay_claim
from gonghui.mutualaid.tests.conftest import CANCER_FEN
from gonghui.orgs.models import Org
from gonghui.tests.figures import assert_rows_add_up, page_tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(claim, plan, make_worker, province_admin, zhumadian_officer, yicheng_officer):
    """张东青 of 驿城区 paid 50,000 元 for cancer; 王芳 enrolled at 驻马店 itself."""
    made = claim()
    for action in ("submit", "check"):
        move_claim(by=yicheng_officer, claim=made, action=action)
    approve_claim(by=province_admin, claim=made, amount_fen=CANCER_FEN)
    pay_claim(by=zhumadian_officer, claim=made)
    wang = make_worker("王芳", org="411700")
    enrol_worker(by=zhumadian_officer, plan=plan, worker=wang, paid_on=datetime.date(2026, 1, 2))


def test_the_page_has_a_benji_row_every_county_and_a_total_that_adds_up(
    client, paid, zhumadian_officer
):
    client.force_login(zhumadian_officer)
    html = client.get("/mutualaid/figures/", {"year": 2026}).content.decode()
    (table,) = page_tables(html)
    counties = set(Org.objects.filter(parent__code="411700").values_list("code", flat=True))
    assert set(table) == {"411700", "", *counties} and list(table)[0] == "411700"
    cells = ("mutualaid.enrolments", "mutualaid.payees", "mutualaid.payouts", "mutualaid.paid")
    assert [table["411700"][c] for c in cells] == ["1", "0", "0", "0.00"]
    assert [table["411702"][c] for c in cells] == ["1", "1", "1", "50,000.00"]
    assert [table["411721"][c] for c in cells] == ["0", "0", "0", "0.00"]
    assert [table[""][c] for c in cells] == ["2", "1", "1", "50,000.00"]
    assert_rows_add_up(FIGURES, html)
    assert "本级（驻马店市总工会）" in html and "5万元" in html


def test_a_plan_year_counts_whole_whatever_dates_are_asked(client, paid, zhumadian_officer):
    client.force_login(zhumadian_officer)
    html = client.get("/mutualaid/figures/", {"from": "2026-02-01", "to": "2026-02-28"})
    (table,) = page_tables(html.content.decode())
    assert table[""]["mutualaid.paid"] == "50,000.00" and table[""]["mutualaid.enrolments"] == "2"
    (before,) = page_tables(client.get("/mutualaid/figures/", {"year": 2025}).content.decode())
    assert before[""]["mutualaid.enrolments"] == "0"


@pytest.mark.parametrize("query", [{"year": "10000"}, {"year": "abc"}, {"from": "2026-02-01"}])
def test_a_wrong_period_shows_a_notice_not_an_error(client, paid, zhumadian_officer, query):
    client.force_login(zhumadian_officer)
    answer = client.get("/mutualaid/figures/", query)
    assert answer.status_code == 200 and 'id="problem"' in answer.content.decode()
    assert client.get("/mutualaid/figures/export.xlsx", query).status_code == 400


def test_the_export_is_the_pages_table(client, paid, zhumadian_officer):
    client.force_login(zhumadian_officer)
    answer = client.get("/mutualaid/figures/export.xlsx", {"year": 2026})
    rows = list(load_workbook(io.BytesIO(answer.content))["按组织"].values)
    assert rows[1][:4] == ("411700", "本级（驻马店市总工会）", "2026年", 1)
    assert rows[-1][:3] == (None, "合计", "2026年") and rows[-1][3:6] == (2, 1, 1)
    assert float(rows[-1][6]) == 50000.0


def test_a_sibling_city_gets_404(client, paid, luoyang_officer):
    client.force_login(luoyang_officer)
    for url in ("/mutualaid/figures/", "/mutualaid/figures/export.xlsx"):
        assert client.get(url, {"org": "411700", "year": 2026}).status_code == 404, url
