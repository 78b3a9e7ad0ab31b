"""The report card equals an independent count of the raw records at every level, for a
year and for part of one, and its drill-down adds up where it should."""

import datetime
import json
import subprocess
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import load_workbook

from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.orgs.models import Org
from gonghui.reports.card import MODULES, indicators, report_card
from gonghui.reports.independent import filled, queries

pytestmark = pytest.mark.django_db
D = datetime.date(2026, 3, 1)
YEAR = Period.year(2026)
MARCH = Period.month(2026, 3)
LEVELS = ("410000/", "410000/411700/", "410000/411700/411702/", "410000/410300/")
TZ = datetime.timezone(datetime.timedelta(hours=8))


def expected(path: str, period: Period, *, own: bool = False) -> dict[str, int]:
    """Every figure of the card counted from the raw rows in plain SQL (``independent``)."""
    under = Under(path, own=own)
    with connection.cursor() as cursor:
        found = {}
        for key, sql in queries(period).items():
            cursor.execute(filled(sql, under))
            found[key] = cursor.fetchone()[0] or 0
    return found


def code_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def test_every_figure_equals_the_raw_records_at_every_level(world, province_admin):
    assert {i.id for i in indicators()} == set(queries(YEAR))
    for period in (YEAR, MARCH, Period(datetime.date(2026, 3, 3), datetime.date(2026, 7, 1))):
        for path in LEVELS:
            card = report_card(province_admin, period=period, org_code=code_of(path))
            values = {key: figure.value for key, figure in card.figures.items()}
            want = expected(path, period)
            assert {key: values[key] for key in want} == want, (path, period)
    province = report_card(province_admin, period=YEAR).figures
    assert province["programs.breakfast_times"].value == 5  # the 2025 breakfast is not in it
    assert province["programs.breakfast_persons"].value == 3
    assert province["mutualaid.paid"].value > 0 and province["mutualaid.payees"].value == 1


def test_the_drill_down_adds_up_and_counts_persons_on_each_row(world, province_admin):
    card = report_card(province_admin, period=YEAR, org_code="411700", by_child=True)
    own, *children = card.rows
    assert own.own and own.org.code == "411700" and own.label == "本级（驻马店市总工会）"
    assert [row.org.code for row in children] == sorted(
        Org.objects.filter(parent__code="411700").values_list("code", flat=True)
    )  # every child, active or not
    want_own = expected("410000/411700/", YEAR, own=True)
    assert {key: own.values[key] for key in want_own} == want_own
    for row in children:  # each row counted as plain SQL counts it (others: their apps' tests)
        want = expected(row.org.path, YEAR)
        assert {key: row.values[key] for key in want} == want, row.org.code
    for indicator in indicators():
        if not indicator.distinct:  # distinct persons are counted per row, never summed
            parts = own.values[indicator.id] + sum(r.values[indicator.id] for r in children)
            assert parts == card.figures[indicator.id].value, indicator.id
    # 张东青 ate in 驿城区 and at the city's own canteen: once in the city, once on each row.
    yicheng = next(row for row in children if row.org.code == "411702")
    assert own.values["programs.breakfast_persons"] == 1
    assert yicheng.values["programs.breakfast_persons"] == 2
    assert card.figures["programs.breakfast_persons"].value == 2


def test_text_is_the_provinces_sentences(world, province_admin):
    out = StringIO()
    call_command("report", "--year", "2026", "--org", "411700", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "驻马店市总工会2026年成绩单"
    assert "为2名环卫工人提供免费早餐4人次" in lines
    assert "为1名新就业形态劳动者免费体检" in lines
    assert "帮助2名农民工追回工资及赔偿金2050元" in lines
    assert any(line.startswith("职工重大疾病互助保障参保1人次；为1人发放互助金") for line in lines)
    out = StringIO()
    call_command("report", "--from", "2026-03-01", "--to", "2026-03-31", stdout=out)
    assert out.getvalue().splitlines()[0] == "河南省总工会2026年3月成绩单"
    assert "帮助2名农民工追回工资及赔偿金1550元" in out.getvalue()


def test_json_carries_every_figure_and_the_drill_down(world):
    out = StringIO()
    call_command("report", "--year", "2026", "--format", "json", "--by", "child", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["org"] == "410000" and answer["period"] == {
        "from": "2026-01-01",
        "to": "2026-12-31",
    }
    by_id = {f["id"]: f for f in answer["figures"]}
    assert by_id["rights.recovered"]["value"] == 205_000
    assert by_id["rights.recovered"]["unit"] == "分"
    assert by_id["rights.workers"]["distinct"] is True
    assert answer["by_child"][0] == {
        "org": "410000",
        "org_name": "河南省总工会",
        "own": True,
        "values": {key: 0 for key in by_id},
    }
    assert sum(row["values"]["rights.recovered"] for row in answer["by_child"]) == 205_000


def test_excel_has_a_sheet_per_module_with_the_drill_down(world, tmp_path):
    target = tmp_path / "card.xlsx"
    call_command(
        "report", "--year", "2026", "--org", "411700", "--by", "child",
        "--format", "xlsx", "--output", str(target), stderr=StringIO(),
    )  # fmt: skip
    book = load_workbook(BytesIO(target.read_bytes()))
    assert book.sheetnames == ["成绩单", *(module.LABEL for module in MODULES)]
    assert book.sheetnames[1:4] == ["普惠服务", "农民工欠薪维权", "职工重大疾病互助保障"]
    assert book["成绩单"]["A1"].value == "驻马店市总工会2026年成绩单"
    rows = list(book["农民工欠薪维权"].values)
    assert rows[0] == ("组织", "追回欠薪的农民工（名）", "追回工资及赔偿金（元）")
    assert rows[1][0] == "本级（驻马店市总工会）"
    total = next(row for row in rows if str(row[0]).startswith("合计"))
    assert total[1:] == (2, 2050)
    assert sum(row[2] for row in rows[1 : rows.index(total)]) == 2050


def test_pdf_prints_chinese(world, tmp_path):
    target = tmp_path / "card.pdf"
    call_command(
        "report", "--year", "2026", "--by", "child",
        "--format", "pdf", "--output", str(target), stderr=StringIO(),
    )  # fmt: skip
    assert target.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "河南省总工会成绩单" in text
    assert "帮助2名农民工追回工资及赔偿金2050元" in text.replace(" ", "")


def test_an_org_outside_the_users_subtree_is_refused(recovered, zhumadian_officer):
    with pytest.raises(CommandError, match="410300"):
        call_command("report", "--year", "2026", "--org", "410300", "--user", "zhumadian")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "10000"], "年份须在 1949–2100 之间"),
        (["--from", "2026-05-01", "--to", "2026-04-01"], "早于开始日期"),
        (["--from", "2026-05-01"], "同时给出开始与结束日期"),
        ([], "需要 --year"),
        (["--from", "2026-13-01", "--to", "2026-12-31"], "应为 YYYY-MM-DD"),
        (["--year", "2026", "--format", "pdf"], "需要 --output"),
    ],
)
def test_a_bad_period_or_missing_file_is_one_line(args, message, province_admin):
    with pytest.raises(CommandError, match=message):
        call_command("report", *args)
