"""Employers' workplace locations: the service (converted, kept as typed, idempotent, audited,
scoped), the console pages (a sibling city's officer gets 404), and
``gonghui import employer-locations`` (row/column errors, all or nothing, re-import)."""

import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.audit.models import AuditEvent
from gonghui.core.coords import Crs, to_wgs84
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.geo import haversine_m
from gonghui.core.models import ImportRun
from gonghui.core.tabular import write_csv
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.importers import COLUMNS, import_employer_locations
from gonghui.orgs.models import Employer, Org
from gonghui.orgs.services import register_employer, set_employer_location

pytestmark = pytest.mark.django_db


@pytest.fixture
def employers(province_admin):
    """Two employers registered in 驿城区 (驻马店) and one in 洛龙区 (洛阳)."""
    rng = random.Random(11)
    yicheng, luolong = Org.objects.get(code="411702"), Org.objects.get(code="410311")
    return {
        "sanitation": register_employer(
            by=province_admin, name="驻马店市环卫服务有限公司", uscc=make_uscc(rng), county=yicheng
        ),
        "courier": register_employer(
            by=province_admin, name="驿城区同城快递有限公司", uscc=make_uscc(rng), county=yicheng
        ),
        "luoyang": register_employer(
            by=province_admin, name="洛阳市外卖配送有限公司", uscc=make_uscc(rng), county=luolong
        ),
    }


def test_gcj02_location_is_stored_in_wgs84_with_the_input_kept(employers, yicheng_officer):
    employer = employers["sanitation"]
    result = set_employer_location(
        by=yicheng_officer,
        employer=employer,
        lat=32.9795,
        lng=114.0253,
        crs=Crs.GCJ02,
        address="驿城区解放路88号",
    )
    assert result.outcome == "created"
    employer.refresh_from_db()
    assert (employer.input_crs, employer.input_lat, employer.input_lng) == (
        "gcj02",
        32.9795,
        114.0253,
    )
    assert (employer.lat, employer.lng) == pytest.approx(to_wgs84(32.9795, 114.0253, Crs.GCJ02))
    assert 300 < haversine_m(employer.lat, employer.lng, 32.9795, 114.0253) < 800
    event = AuditEvent.objects.get(object_type="employer", action="update")
    assert event.after["input_lat"] == 32.9795 and event.before["input_lat"] is None


def test_same_location_again_is_unchanged_and_not_audited(employers, yicheng_officer):
    args = dict(
        by=yicheng_officer,
        employer=employers["sanitation"],
        lat=32.98,
        lng=114.02,
        crs=Crs.WGS84,
        address="驿城区解放路88号",
    )
    set_employer_location(**args)
    assert set_employer_location(**args).outcome == "unchanged"
    assert AuditEvent.objects.filter(object_type="employer", action="update").count() == 1
    moved = set_employer_location(**(args | {"lat": 32.99}))
    assert moved.outcome == "updated"


def test_blank_coordinates_clear_the_location_and_half_is_refused(employers, yicheng_officer):
    employer = employers["sanitation"]
    set_employer_location(
        by=yicheng_officer,
        employer=employer,
        lat=32.98,
        lng=114.02,
        crs=Crs.WGS84,
        address="解放路",
    )
    with pytest.raises(DomainError) as refused:
        set_employer_location(
            by=yicheng_officer, employer=employer, lat=None, lng=114.02, crs=Crs.WGS84, address=""
        )
    assert refused.value.field == "lat"
    set_employer_location(
        by=yicheng_officer, employer=employer, lat=None, lng=None, crs=Crs.WGS84, address=""
    )
    employer.refresh_from_db()
    assert (employer.lat, employer.input_lat, employer.input_crs) == (None, None, "")


def test_sibling_city_officer_cannot_set_the_location(employers, luoyang_officer):
    with pytest.raises(PermissionDenied):
        set_employer_location(
            by=luoyang_officer,
            employer=employers["sanitation"],
            lat=32.98,
            lng=114.02,
            crs=Crs.WGS84,
            address="",
        )
    assert Employer.objects.get(pk=employers["sanitation"].pk).lat is None


# --- the console pages ---------------------------------------------------------------------


def test_list_shows_only_the_users_employers_and_filters_by_location(
    client, employers, zhumadian_officer
):
    set_employer_location(
        by=zhumadian_officer,
        employer=employers["courier"],
        lat=32.98,
        lng=114.02,
        crs=Crs.WGS84,
        address="",
    )
    client.force_login(zhumadian_officer)
    page = client.get(reverse("orgs:employer_list")).content.decode()
    assert "驻马店市环卫服务有限公司" in page and "驿城区同城快递有限公司" in page
    assert "洛阳市外卖配送有限公司" not in page
    missing = client.get(reverse("orgs:employer_list"), {"located": "no"}).content.decode()
    assert "驻马店市环卫服务有限公司" in missing and "驿城区同城快递有限公司" not in missing
    found = client.get(reverse("orgs:employer_list"), {"q": "快递"}).content.decode()
    assert "驿城区同城快递有限公司" in found and "环卫" not in found


def test_edit_page_sets_the_location_and_shows_refusals(client, employers, yicheng_officer):
    employer = employers["sanitation"]
    url = reverse("orgs:employer_location", args=[employer.pk])
    client.force_login(yicheng_officer)
    bad = client.post(url, {"address": "", "lat": "32.98", "lng": "", "crs": "wgs84"})
    assert bad.status_code == 200 and "经度和纬度须同时填写" in bad.content.decode()
    out_of_range = client.post(url, {"address": "", "lat": "132.98", "lng": "114", "crs": "wgs84"})
    assert "纬度132.98应在-90至90之间" in out_of_range.content.decode()
    ok = client.post(
        url, {"address": "解放路88号", "lat": "32.9795", "lng": "114.0253", "crs": "bd09"}
    )
    assert ok.status_code == 302
    employer.refresh_from_db()
    assert employer.input_crs == "bd09" and employer.address == "解放路88号"
    assert 'value="32.9795"' in client.get(url).content.decode()


def test_sibling_city_officer_gets_404_from_the_edit_page(client, employers, luoyang_officer):
    url = reverse("orgs:employer_location", args=[employers["sanitation"].pk])
    client.force_login(luoyang_officer)
    assert client.get(url).status_code == 404
    posted = client.post(url, {"address": "", "lat": "32.98", "lng": "114.02", "crs": "wgs84"})
    assert posted.status_code == 404
    assert Employer.objects.get(pk=employers["sanitation"].pk).lat is None


# --- gonghui import employer-locations --------------------------------------------------------


def rows_for(employers):
    return [
        [
            employers["sanitation"].uscc,
            "驻马店市环卫服务有限公司",
            "驿城区解放路88号",
            "114.0253",
            "32.9795",
            "GCJ02",
        ],
        [
            employers["courier"].uscc,
            "驿城区同城快递有限公司",
            "驿城区中华路9号",
            "114.03",
            "32.97",
            "WGS84",
        ],
    ]


def csv_file(tmp_path, rows, name="单位位置.csv"):
    return write_csv(tmp_path / name, COLUMNS, rows, encoding="utf-8-sig")


def test_import_locates_every_employer_and_reimport_changes_nothing(
    tmp_path, employers, zhumadian_officer
):
    path = csv_file(tmp_path, rows_for(employers))
    report = import_employer_locations(path, by=zhumadian_officer)
    assert report.ok, [str(p) for p in report.errors]
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    courier = Employer.objects.get(pk=employers["courier"].pk)
    assert (courier.lat, courier.lng, courier.address) == (32.97, 114.03, "驿城区中华路9号")
    before = list(Employer.objects.order_by("id").values())
    events = AuditEvent.objects.count()
    again = import_employer_locations(path, by=zhumadian_officer)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert list(Employer.objects.order_by("id").values()) == before
    assert AuditEvent.objects.count() == events + 1  # the second run's own import event only
    assert ImportRun.objects.filter(kind="employer-locations").count() == 2


def test_import_names_every_bad_row_and_column_and_writes_nothing(
    tmp_path, employers, zhumadian_officer
):
    good, second = rows_for(employers)
    rows = [
        good,
        [second[0], second[1], "", "abc", "", "火星坐标"],
        [employers["luoyang"].uscc, "洛阳市外卖配送有限公司", "", "112.45", "34.62", "WGS84"],
        ["91410000XXXXXXXXXX", "无效单位", "", "114", "33", "WGS84"],
        [good[0], good[1], "重复", "114", "33", "WGS84"],
        [second[0], second[1], "", "114", "95", "WGS84"],
    ]
    report = import_employer_locations(csv_file(tmp_path, rows), by=zhumadian_officer)
    problems = [(p.row, p.column) for p in report.errors]
    assert problems == [
        (3, "经度"),
        (3, "纬度"),
        (3, "坐标系"),
        (4, "统一社会信用代码"),
        (5, "统一社会信用代码"),
        (6, "统一社会信用代码"),
        (7, "统一社会信用代码"),
        (7, "纬度"),
    ]
    messages = {(p.row, p.column): p.message for p in report.errors}
    assert "不在您的管辖范围内" in messages[(4, "统一社会信用代码")]
    assert messages[(6, "统一社会信用代码")] == "与第2行是同一单位"
    assert "未导入任何数据" in report.summary()
    assert not Employer.objects.filter(lat__isnull=False).exists()
    assert not ImportRun.objects.filter(kind="employer-locations", refused=False).exists()


def test_a_differing_name_is_a_warning_and_dry_run_writes_nothing(
    tmp_path, employers, zhumadian_officer
):
    rows = rows_for(employers)
    rows[0][1] = "驻马店环卫公司"
    path = csv_file(tmp_path, rows)
    dry = import_employer_locations(path, by=zhumadian_officer, dry_run=True)
    assert dry.ok and dry.created == 2
    assert [(w.row, w.column) for w in dry.warnings] == [(2, "单位名称")]
    assert not Employer.objects.filter(lat__isnull=False).exists()


def test_import_command_reports_rows_and_refuses_a_bad_file(tmp_path, employers, capsys):
    call_command("import", "employer-locations", str(csv_file(tmp_path, rows_for(employers))))
    assert "新增2" in capsys.readouterr().out
    bad = csv_file(tmp_path, [["", "某单位", "", "114", "33", "WGS84"]], name="坏.csv")
    with pytest.raises(CommandError, match="1行有错误"):
        call_command("import", "employer-locations", str(bad))
    assert "第2行【统一社会信用代码】统一社会信用代码不能为空" in capsys.readouterr().err


def test_export_is_the_template_and_imports_back_unchanged(
    tmp_path, client, employers, zhumadian_officer
):
    set_employer_location(
        by=zhumadian_officer,
        employer=employers["courier"],
        lat=32.9795,
        lng=114.0253,
        crs=Crs.GCJ02,
        address="中华路9号",
    )
    client.force_login(zhumadian_officer)
    response = client.get(reverse("orgs:employer_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == COLUMNS
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"驻马店市环卫服务有限公司", "驿城区同城快递有限公司"}
    assert by_name["驿城区同城快递有限公司"][2:] == ("中华路9号", 114.0253, 32.9795, "GCJ02")
    assert by_name["驻马店市环卫服务有限公司"][3:] == (None, None, None)  # blank cells
    assert AuditEvent.objects.filter(action="export", object_type="employers").exists()
    path = tmp_path / "导出.xlsx"
    path.write_bytes(response.content)
    before = list(Employer.objects.order_by("id").values())
    report = import_employer_locations(path, by=zhumadian_officer)
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert [(w.row, w.column) for w in report.warnings] == [(2, "经度")]
    assert list(Employer.objects.order_by("id").values()) == before


def test_sibling_city_officer_exports_only_their_own_employers(client, employers, luoyang_officer):
    client.force_login(luoyang_officer)
    response = client.get(reverse("orgs:employer_export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert [row[1] for row in rows[1:]] == ["洛阳市外卖配送有限公司"]
