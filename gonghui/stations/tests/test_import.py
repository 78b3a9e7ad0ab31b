"""gonghui import stations: the template, all or nothing, row/column errors, idempotent,
GBK CSV and .xlsx; and the export that imports back unchanged."""

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from gonghui.audit.models import AuditEvent
from gonghui.core.coords import Crs
from gonghui.core.geo import haversine_m
from gonghui.core.tabular import write_csv
from gonghui.stations.importers import COLUMNS, OPTIONAL, import_stations
from gonghui.stations.models import Rating, Station, StationRating, Status
from gonghui.stations.vocabulary import kind_names

pytestmark = pytest.mark.django_db

GOOD = [
    [
        "驿城区解放路爱心驿站",
        "411702",
        "驿城区解放路88号",
        "114.0253",
        "32.9795",
        "GCJ02",
        "饮水、热饭、充电、按摩椅",
        "00:00-24:00",
        "0396-2821234",
        "开放",
        "2023-05-01",
    ],
    [
        "洛龙区夜间驿站",
        "410311",
        "洛龙区开元大道1号",
        "112.4540",
        "34.6190",
        "BD09",
        "饮水、如厕",
        "20:00-06:00",
        "",
        "",
        "",
    ],
    [
        "洛龙区银行网点驿站",
        "410311",
        "洛龙区王城大道2号",
        "112.4400",
        "34.6100",
        "WGS84",
        "休息座椅",
        "周一至周五 08:00-18:00；周六、周日 休息",
        "",
        "暂停",
        "2024/3/1",
    ],
]


def csv_file(tmp_path, rows, *, encoding="utf-8-sig", name="驿站.csv"):
    return write_csv(tmp_path / name, COLUMNS, rows, encoding=encoding)


def xlsx_file(tmp_path, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([float(c) if i in (3, 4) else c for i, c in enumerate(row)])
    book.save(tmp_path / "驿站.xlsx")
    return tmp_path / "驿站.xlsx"


def test_gbk_csv_imports_every_station_converted_to_wgs84(tmp_path, province_admin):
    report = import_stations(csv_file(tmp_path, GOOD, encoding="gbk"), by=province_admin)
    assert report.ok, [str(p) for p in report.errors]
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    jiefang = Station.objects.get(name="驿城区解放路爱心驿站")
    assert jiefang.input_crs == Crs.GCJ02 and jiefang.facilities_other == "按摩椅"
    assert 300 < haversine_m(jiefang.lat, jiefang.lng, 32.9795, 114.0253) < 800
    assert Station.objects.get(name="洛龙区银行网点驿站").status == Status.SUSPENDED


def test_reimporting_the_same_file_changes_nothing(tmp_path, province_admin):
    path = xlsx_file(tmp_path, GOOD)
    import_stations(path, by=province_admin)
    before = list(Station.objects.order_by("id").values())
    again = import_stations(path, by=province_admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(Station.objects.order_by("id").values()) == before


def test_a_changed_row_updates_its_station(tmp_path, province_admin):
    import_stations(csv_file(tmp_path, GOOD), by=province_admin)
    changed = [row[:] for row in GOOD]
    changed[1][7] = "19:00-07:00"
    report = import_stations(csv_file(tmp_path, changed), by=province_admin)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    assert Station.objects.get(name="洛龙区夜间驿站").hours[0] == [[1140, 420]]


@pytest.mark.parametrize(
    "column,value,message",
    [
        ("驿站名称", "", "驿站名称不能为空"),
        ("所属组织代码", "999999", "不存在或不在您的管辖范围内"),
        ("地址", "", "地址不能为空"),
        ("经度", "东经114度", "不是数字"),
        ("纬度", "95", "纬度95.0应在-90至90之间"),
        ("坐标系", "CGCS2000", "WGS84、GCJ02 或 BD09"),
        ("开放时间", "8点到20点", "应写作“08:00-20:00”"),
        ("联系电话", "找张师傅", "格式不正确"),
        ("状态", "营业中", "应为开放、暂停、关闭之一"),
        ("启用日期", "2023-13-01", "不是有效日期"),
    ],
)
def test_a_bad_cell_names_file_row_and_column_and_imports_nothing(
    tmp_path, province_admin, column, value, message
):
    rows = [row[:] for row in GOOD]
    rows[1][COLUMNS.index(column)] = value
    report = import_stations(csv_file(tmp_path, rows), by=province_admin)
    assert not report.ok and not Station.objects.exists()
    assert [(p.row, p.column) for p in report.errors] == [(3, column)]
    assert message in report.errors[0].message
    assert report.summary() == "驿站.csv：1行有错误，未导入任何数据"


def test_the_same_station_twice_in_a_file_is_refused(tmp_path, province_admin):
    report = import_stations(csv_file(tmp_path, [GOOD[0], GOOD[1], GOOD[0]]), by=province_admin)
    assert [str(p) for p in report.errors] == [
        "第4行【驿站名称】与第2行重复：同一组织下驿站名称不能相同"
    ]


def test_rows_outside_the_officers_subtree_are_refused(tmp_path, luoyang_officer):
    report = import_stations(csv_file(tmp_path, GOOD), by=luoyang_officer)
    assert [(p.row, p.column) for p in report.errors] == [(2, "所属组织代码")]
    assert not Station.objects.exists()


def test_dry_run_writes_nothing(tmp_path, province_admin):
    report = import_stations(csv_file(tmp_path, GOOD), by=province_admin, dry_run=True)
    assert report.ok and report.created == 3 and not Station.objects.exists()


def test_wrong_header_names_the_file(tmp_path, province_admin):
    path = tmp_path / "旧模板.csv"
    write_csv(path, ["名称", "地址"], [["a", "b"]])
    report = import_stations(path, by=province_admin)
    assert report.file_error.startswith("旧模板.csv：第1行表头应为“驿站名称,所属组织代码")


def test_cli_import_then_export_round_trip(tmp_path, province_admin, capsys):
    call_command("import", "stations", str(csv_file(tmp_path, GOOD, encoding="gbk")))
    assert "新增3" in capsys.readouterr().out
    out = tmp_path / "导出.xlsx"
    call_command("export", "stations", "--output", str(out))
    assert "已导出3个驿站" in capsys.readouterr().out
    call_command("import", "stations", str(out))
    assert "新增0，更新0，未变3" in capsys.readouterr().out
    csv_out = tmp_path / "导出.csv"
    call_command("export", "stations", "--output", str(csv_out), "--user", "province")
    assert "00:00-24:00" in csv_out.read_text(encoding="utf-8-sig")


def test_cli_reports_errors_and_fails(tmp_path, province_admin):
    rows = [row[:] for row in GOOD]
    rows[0][5] = "火星"
    with pytest.raises(CommandError, match="1行有错误"):
        call_command("import", "stations", str(csv_file(tmp_path, rows)), "--dry-run")


# --- the optional columns 类型 and 评定 -------------------------------------------------------

WITH_KINDS = [
    [*GOOD[0], "24小时、智慧驿站、换电", "最美驿站2024、省级示范2025"],
    [*GOOD[1], "法律援助点", ""],
    [*GOOD[2], "", "2023年全国示范驿站"],
]


def test_kinds_and_ratings_columns_are_imported(tmp_path, province_admin):
    path = write_csv(tmp_path / "驿站.csv", [*COLUMNS, *OPTIONAL], WITH_KINDS)
    report = import_stations(path, by=province_admin)
    assert report.ok, [str(p) for p in report.errors]
    jiefang = Station.objects.get(name="驿城区解放路爱心驿站")
    assert kind_names(jiefang.kinds) == ["24小时", "智慧驿站", "骑手换电"]
    assert sorted(jiefang.ratings.values_list("rating", "year")) == [
        (Rating.MOST_BEAUTIFUL, 2024),
        (Rating.PROVINCIAL_DEMO, 2025),
    ]
    assert kind_names(Station.objects.get(name="洛龙区夜间驿站").kinds) == ["法律援助点"]
    bank = Station.objects.get(name="洛龙区银行网点驿站")
    assert list(bank.ratings.values_list("rating", "year")) == [(Rating.NATIONAL_DEMO, 2023)]


def test_reimporting_kinds_and_ratings_changes_nothing(tmp_path, province_admin):
    path = write_csv(tmp_path / "驿站.csv", [*COLUMNS, *OPTIONAL], WITH_KINDS)
    import_stations(path, by=province_admin)
    ratings = list(StationRating.objects.order_by("id").values())
    events = AuditEvent.objects.count()
    again = import_stations(path, by=province_admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert list(StationRating.objects.order_by("id").values()) == ratings
    assert AuditEvent.objects.count() == events + 1  # the import run itself, nothing else


def test_a_changed_rating_alone_updates_its_station(tmp_path, province_admin):
    import_stations(
        write_csv(tmp_path / "a.csv", [*COLUMNS, *OPTIONAL], WITH_KINDS), by=province_admin
    )
    changed = [row[:] for row in WITH_KINDS]
    changed[1][12] = "最美驿站2025"
    report = import_stations(
        write_csv(tmp_path / "b.csv", [*COLUMNS, *OPTIONAL], changed), by=province_admin
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    night = Station.objects.get(name="洛龙区夜间驿站")
    assert list(night.ratings.values_list("rating", "year")) == [(Rating.MOST_BEAUTIFUL, 2025)]


def test_a_sheet_without_the_optional_columns_keeps_kinds_and_ratings(tmp_path, province_admin):
    import_stations(
        write_csv(tmp_path / "a.csv", [*COLUMNS, *OPTIONAL], WITH_KINDS), by=province_admin
    )
    report = import_stations(csv_file(tmp_path, GOOD), by=province_admin)
    assert (report.updated, report.unchanged) == (0, 3)
    jiefang = Station.objects.get(name="驿城区解放路爱心驿站")
    assert kind_names(jiefang.kinds) == ["24小时", "智慧驿站", "骑手换电"]
    assert jiefang.ratings.count() == 2


@pytest.mark.parametrize(
    "column,value,message",
    [
        ("类型", "24小时、按摩驿站", "没有“按摩驿站”这种驿站类型"),
        ("评定", "最美驿站", "应写作称号加年度"),
        ("评定", "金牌驿站2024", "应写作称号加年度"),
        ("评定", "最美驿站2999", "授予年度2999应在2000至"),
    ],
)
def test_an_unknown_kind_or_rating_is_the_rows_error(
    tmp_path, province_admin, column, value, message
):
    rows = [row[:] for row in WITH_KINDS]
    rows[2][(*COLUMNS, *OPTIONAL).index(column)] = value
    report = import_stations(
        write_csv(tmp_path / "驿站.csv", [*COLUMNS, *OPTIONAL], rows), by=province_admin
    )
    assert [(p.row, p.column) for p in report.errors] == [(4, column)]
    assert message in report.errors[0].message
    assert not Station.objects.exists()


def test_export_carries_kinds_and_ratings_and_imports_back_unchanged(tmp_path, province_admin):
    import_stations(
        write_csv(tmp_path / "a.csv", [*COLUMNS, *OPTIONAL], WITH_KINDS), by=province_admin
    )
    out = tmp_path / "导出.xlsx"
    call_command("export", "stations", "--output", str(out))
    sheet = list(load_workbook(out).active.values)
    assert sheet[0][-2:] == ("类型", "评定")
    first = next(row for row in sheet if row[0] == "驿城区解放路爱心驿站")
    assert first[-2:] == ("24小时、智慧驿站、骑手换电", "最美驿站2024、省级示范驿站2025")
    report = import_stations(out, by=province_admin)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)


def test_reimporting_an_export_keeps_what_the_template_does_not_carry(tmp_path, province_admin):
    """Host and kinds set on the console survive a round trip through the template."""
    import_stations(csv_file(tmp_path, GOOD), by=province_admin)
    bank = Station.objects.get(name="洛龙区银行网点驿站")
    bank.host_kind, bank.host_name = "bank", "工行洛龙支行"
    bank.save()
    report = import_stations(csv_file(tmp_path, GOOD), by=province_admin)
    assert (report.updated, report.unchanged) == (0, 3)
    bank.refresh_from_db()
    assert (bank.host_kind, bank.host_name) == ("bank", "工行洛龙支行")
