import logging
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import Workbook

from gonghui.audit.models import AuditEvent
from gonghui.core.idnumber import check_digit
from gonghui.core.tabular import write_csv as write_table
from gonghui.members.generate import make_id, roster_rows, write_roster_csv
from gonghui.members.importers import COLUMNS, import_workers
from gonghui.members.models import Transfer, Worker
from gonghui.orgs.generate import make_uscc

pytestmark = pytest.mark.django_db


def valid_id(seed: int, region: str = "411702") -> str:
    return make_id(random.Random(seed), region)


def good_row(seed: int, **changes) -> list[str]:
    row = dict(
        zip(
            COLUMNS,
            ["张东青", valid_id(seed), "13800138000", "411702", "", "", "环卫工人", "2020-01-01"],
            strict=True,
        )
    )
    row.update(changes)
    return [row[c] for c in COLUMNS]


def write_csv(path, rows, *, encoding="utf-8-sig", header=COLUMNS):
    return write_table(path, header, rows, encoding=encoding)


def test_clean_gbk_file_imports_in_one_go_and_again_changes_nothing(tmp_path, province_admin):
    path = write_csv(tmp_path / "名册.csv", [good_row(i) for i in range(5)], encoding="gbk")
    first = import_workers(path, by=province_admin)
    assert first.ok and (first.created, first.updated) == (5, 0)
    again = import_workers(path, by=province_admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert Worker.objects.count() == 5


BAD_ROWS = [
    ({"身份证号": "4117021985061212"}, "身份证号", "18位"),
    (
        {"身份证号": valid_id(1)[:-1] + ("0" if valid_id(1)[-1] != "0" else "1")},
        "身份证号",
        "校验位",
    ),
    ({"身份证号": "41170219850230123" + check_digit("41170219850230123")}, "身份证号", "出生日期"),
    ({"姓名": ""}, "姓名", "不能为空"),
    ({"手机号码": "1380013800"}, "手机号码", "11位"),
    ({"工会组织代码": "999999"}, "工会组织代码", "不存在"),
    ({"工会组织代码": ""}, "工会组织代码", "不能为空"),
    (
        {"统一社会信用代码": "91411702MA00000000", "工作单位": "某公司"},
        "统一社会信用代码",
        "不正确",
    ),
    ({"工作单位": "某公司"}, "统一社会信用代码", "须填写"),
    ({"职工类别": "程序员"}, "职工类别", "不在可选范围"),
    ({"入会日期": "2020-13-01"}, "入会日期", "不是有效日期"),
    ({"入会日期": "2999-01-01"}, "入会日期", "晚于今天"),
]


@pytest.mark.parametrize(("changes", "column", "reason"), BAD_ROWS)
def test_each_bad_input_is_reported_by_row_and_column_and_nothing_imports(
    tmp_path, province_admin, changes, column, reason
):
    rows = [good_row(10), good_row(11, **changes), good_row(12)]
    report = import_workers(write_csv(tmp_path / "r.csv", rows), by=province_admin)
    assert not report.ok
    assert [(p.row, p.column) for p in report.errors] == [(3, column)]
    assert reason in report.errors[0].message
    assert Worker.objects.count() == 0


def test_duplicate_id_in_one_file_names_both_rows(tmp_path, province_admin):
    rows = [good_row(1), good_row(2), good_row(1, 姓名="李四")]
    report = import_workers(write_csv(tmp_path / "r.csv", rows), by=province_admin)
    assert [(p.row, p.column) for p in report.errors] == [(4, "身份证号")]
    assert "第2行" in report.errors[0].message
    assert Worker.objects.count() == 0


def test_full_width_id_and_lower_case_x_match_the_same_worker(tmp_path, province_admin):
    number = "41170219850612" + "12"
    number += "3" + check_digit(number + "3")
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number).lower()
    import_workers(write_csv(tmp_path / "a.csv", [good_row(0, 身份证号=number)]), by=province_admin)
    report = import_workers(
        write_csv(tmp_path / "b.csv", [good_row(0, 身份证号=f" {wide} ")]), by=province_admin
    )
    assert report.unchanged == 1 and Worker.objects.count() == 1


def test_wrong_header_empty_file_and_header_only(tmp_path, province_admin):
    wrong = write_csv(
        tmp_path / "w.csv", [good_row(1)], header=["姓名", "证件号"] + list(COLUMNS[2:])
    )
    assert "第1行表头" in import_workers(wrong, by=province_admin).file_error
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    assert "空" in import_workers(empty, by=province_admin).file_error
    header_only = write_csv(tmp_path / "h.csv", [])
    assert "没有数据行" in import_workers(header_only, by=province_admin).file_error


def test_xlsx_with_extra_sheets_and_id_stored_as_number(tmp_path, province_admin):
    book = Workbook()
    book.active.title = "填表说明"
    book.active.append(["身份证号请设为文本格式"])
    sheet = book.create_sheet("职工名册")
    sheet.append(list(COLUMNS))
    sheet.append(good_row(1))
    as_number = good_row(2)
    as_number[1] = int(valid_id(2)[:17] + "0")  # Excel keeps ~15 significant digits
    sheet.append(as_number)
    path = tmp_path / "名册.xlsx"
    book.save(path)
    report = import_workers(path, by=province_admin)
    assert [(p.row, p.column) for p in report.errors] == [(3, "身份证号")]
    assert "文本" in report.errors[0].message
    sheet.delete_rows(3)
    book.save(path)
    assert import_workers(path, by=province_admin).created == 1


def test_unknown_region_code_is_a_warning_not_a_rejection(tmp_path, province_admin):
    odd = "41999919800101123"
    report = import_workers(
        write_csv(tmp_path / "r.csv", [good_row(0, 身份证号=odd + check_digit(odd))]),
        by=province_admin,
    )
    assert report.ok and report.created == 1
    assert report.warnings and "419999" in report.warnings[0].message


def test_officer_can_only_import_into_own_subtree(tmp_path, luoyang_officer):
    report = import_workers(write_csv(tmp_path / "r.csv", [good_row(1)]), by=luoyang_officer)
    assert report.errors[0].column == "工会组织代码"
    assert Worker.objects.count() == 0


def test_worker_registered_elsewhere_cannot_be_pulled_into_another_subtree(
    tmp_path, province_admin, luoyang_officer
):
    import_workers(write_csv(tmp_path / "a.csv", [good_row(1)]), by=province_admin)
    report = import_workers(
        write_csv(tmp_path / "b.csv", [good_row(1, 工会组织代码="410302")]), by=luoyang_officer
    )
    assert report.errors and "管辖范围以外" in report.errors[0].message
    assert Worker.objects.get().org.code == "411702"


def test_changed_union_is_a_transfer_and_updates_are_audited(tmp_path, province_admin):
    import_workers(write_csv(tmp_path / "a.csv", [good_row(1)]), by=province_admin)
    report = import_workers(
        write_csv(tmp_path / "b.csv", [good_row(1, 工会组织代码="411721", 手机号码="13900139000")]),
        by=province_admin,
    )
    assert report.updated == 1
    transfer = Transfer.objects.get()
    assert (transfer.from_org.code, transfer.to_org.code) == ("411702", "411721")
    event = AuditEvent.objects.get(action="update")
    assert event.after["phone"] == "139****9000"
    assert AuditEvent.objects.filter(action="import").count() == 2


def test_employers_are_registered_once_by_credit_code(tmp_path, province_admin):
    credit = make_uscc(random.Random(5))
    rows = [good_row(i, 工作单位="驿城区环卫公司", 统一社会信用代码=credit) for i in range(3)]
    import_workers(write_csv(tmp_path / "r.csv", rows), by=province_admin)
    assert Worker.objects.values("employer").distinct().count() == 1
    assert Worker.objects.first().employer.org.code == "411702"


def test_dry_run_reports_counts_and_writes_nothing(tmp_path, province_admin):
    report = import_workers(
        write_csv(tmp_path / "r.csv", [good_row(1), good_row(2)]), by=province_admin, dry_run=True
    )
    assert report.ok and report.created == 2
    assert Worker.objects.count() == 0


def test_cli_exits_non_zero_on_a_bad_row_and_respects_user_scope(
    tmp_path, province_admin, luoyang_officer, capsys
):
    path = write_csv(tmp_path / "r.csv", [good_row(1), good_row(2, 姓名="")])
    with pytest.raises(CommandError):
        call_command("import", "workers", str(path))
    assert "第3行【姓名】姓名不能为空" in capsys.readouterr().err
    good = write_csv(tmp_path / "g.csv", [good_row(1)])
    with pytest.raises(CommandError):
        call_command("import", "workers", str(good), "--user", "luoyang")
    call_command("import", "workers", str(good))
    assert Worker.objects.count() == 1


def test_hundred_thousand_rows_import(tmp_path, province_admin):
    path = write_roster_csv(
        tmp_path / "big.csv", roster_rows(100_000, org_codes=["411702", "410302"])
    )
    report = import_workers(path, by=province_admin)
    assert report.ok, report.errors[:3]
    assert report.created == Worker.objects.count() == 100_000


@pytest.mark.django_db(transaction=True)
def test_no_clear_text_id_number_anywhere_in_the_database(tmp_path, province_admin, caplog):
    rows = list(
        roster_rows(300, org_codes=["411702"], employers=[("某公司", make_uscc(random.Random(2)))])
    )
    path = write_csv(tmp_path / "r.csv", rows)
    with caplog.at_level(logging.DEBUG):
        assert import_workers(path, by=province_admin).created == 300
        import_workers(
            write_csv(tmp_path / "s.csv", [r[:3] + ["411721"] + r[4:] for r in rows]),
            by=province_admin,
        )
    numbers = [r[1] for r in rows]
    assert not any(n in caplog.text for n in numbers)
    dump = database_bytes(tmp_path)
    found = [n for n in numbers if n.encode() in dump or n[:17].encode() in dump]
    assert found == []
    assert b"4117" in dump  # the search itself can find masked IDs, so it would find a clear one


def database_bytes(tmp_path) -> bytes:
    """Every byte the database holds: a file copy on SQLite, every row as text on PostgreSQL."""
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        return copy.read_bytes()
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT t::text FROM "{table}" t')
            chunks.extend(row[0].encode() for row in cursor.fetchall())
    return b"\n".join(chunks)
