"""The wage-arrears figures page: the card's indicators by child org, with 本级 (a case the
city handles itself), every county listed, 合计, the same period picker as the card."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from gonghui.orgs.models import Org
from gonghui.rights.indicators import FIGURES
from gonghui.rights.services import Instalment, WorkerOwed, add_workers, record_recoveries
from gonghui.tests.figures import assert_rows_add_up, page_tables

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 10)
MAY = datetime.date(2026, 5, 20)


@pytest.fixture
def helped(case, make_worker, zhumadian_officer, province_admin):
    """张东青 recovers wages at 驻马店 itself (本级) and at 驿城区; 李四 at 驿城区 in May."""
    zhang, li = make_worker("张东青"), make_worker("李四")
    for code, rows in (("411700", [(zhang, 10_000, 500)]), ("411702", [(zhang, 20_000, 0)])):
        made = case(by=zhumadian_officer, org=Org.objects.get(code=code))
        lines = add_workers(
            by=zhumadian_officer, case=made, rows=[WorkerOwed(w.pk, 99_999) for w, *_ in rows]
        )
        items = [
            Instalment(line.pk, wages, comp, MARCH)
            for line, (_, wages, comp) in zip(lines, rows, strict=True)
        ]
        record_recoveries(by=province_admin, case=made, items=items)
    county_case = case(by=zhumadian_officer, org=Org.objects.get(code="411702"))
    (line,) = add_workers(by=zhumadian_officer, case=county_case, rows=[WorkerOwed(li.pk, 9999)])
    record_recoveries(
        by=province_admin, case=county_case, items=[Instalment(line.pk, 3000, 0, MAY)]
    )


def test_the_page_has_a_benji_row_every_county_and_a_total_that_adds_up(
    client, helped, zhumadian_officer
):
    client.force_login(zhumadian_officer)
    html = client.get("/rights/figures/", {"year": 2026}).content.decode()
    (table,) = page_tables(html)
    counties = set(Org.objects.filter(parent__code="411700").values_list("code", flat=True))
    assert set(table) == {"411700", "", *counties} and len(counties) > 2
    assert list(table)[0] == "411700" and "本级（驻马店市总工会）" in html
    own, yicheng, xiping, total = table["411700"], table["411702"], table["411721"], table[""]
    assert (own["rights.workers"], own["rights.wages"], own["rights.compensation"]) == (
        "1",
        "100.00",
        "5.00",
    )
    assert (yicheng["rights.workers"], yicheng["rights.instalments"]) == ("2", "2")
    assert yicheng["rights.recovered"] == "230.00"
    assert (xiping["rights.workers"], xiping["rights.recovered"]) == ("0", "0.00")
    # 张东青 is on the 本级 row and at 驿城区, once in the total
    assert (total["rights.workers"], total["rights.instalments"]) == ("2", "3")
    assert total["rights.recovered"] == "335.00"
    assert_rows_add_up(FIGURES, html)
    assert 'data-indicator="rights.recovered"' in html and "335元" in html
    assert '<a href="?org=411702&amp;year=2026">驿城区总工会</a>' in html


def test_dates_narrow_the_figures_to_the_recoveries_in_them(client, helped, zhumadian_officer):
    client.force_login(zhumadian_officer)
    answer = client.get("/rights/figures/", {"from": "2026-03-01", "to": "2026-03-31"})
    html = answer.content.decode()
    (table,) = page_tables(html)
    assert (table[""]["rights.workers"], table[""]["rights.recovered"]) == ("1", "305.00")
    assert (
        "2026年3月" in html and 'href="?org=411702&amp;from=2026-03-01&amp;to=2026-03-31"' in html
    )
    assert_rows_add_up(FIGURES, html)


@pytest.mark.parametrize(
    "query",
    [{"year": "10000"}, {"year": "abc"}, {"from": "2026-03-31", "to": "2026-03-01"}],
)
def test_a_wrong_period_shows_a_notice_not_an_error(client, helped, zhumadian_officer, query):
    client.force_login(zhumadian_officer)
    answer = client.get("/rights/figures/", query)
    assert answer.status_code == 200 and 'id="problem"' in answer.content.decode()
    assert client.get("/rights/figures/export.xlsx", query).status_code == 400


def test_the_export_is_the_pages_table(client, helped, zhumadian_officer):
    client.force_login(zhumadian_officer)
    answer = client.get("/rights/figures/export.xlsx", {"year": 2026})
    assert "2026" in answer["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(answer.content))["按组织"].values)
    assert rows[0][:4] == ("组织代码", "组织", "期间", "追回欠薪的农民工（名，去重）")
    assert rows[1][:5] == ("411700", "本级（驻马店市总工会）", "2026年", 1, 1)
    assert rows[-1][1] == "合计" and float(rows[-1][-1]) == 335.0


def test_a_sibling_city_gets_404(client, helped, luoyang_officer):
    client.force_login(luoyang_officer)
    for url in ("/rights/figures/", "/rights/figures/export.xlsx"):
        assert client.get(url, {"org": "411700", "year": 2026}).status_code == 404, url
