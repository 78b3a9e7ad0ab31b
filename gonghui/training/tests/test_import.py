import random

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from gonghui.core.tabular import write_csv
from gonghui.members.generate import make_id
from gonghui.training.importers import COLUMNS, import_enrolments
from gonghui.training.models import Enrolment

pytestmark = pytest.mark.django_db


def id_of(seed: int, region: str = "411702") -> str:
    return make_id(random.Random(seed), region)


@pytest.fixture
def people(make_worker):
    names = ["张东青", "李秀英", "王伟", "赵敏", "钱多多", "孙悟", "周全"]
    return [make_worker(n, id_number=id_of(i)) for i, n in enumerate(names, start=1)]


def sheet(tmp_path, rows, name="报名表.csv", encoding="utf-8-sig"):
    return write_csv(tmp_path / name, COLUMNS, rows, encoding=encoding)


def test_a_clean_list_applies_in_sheet_order_and_reimport_changes_nothing(
    tmp_path, make_class, yicheng_officer, people
):
    klass = make_class(capacity=5)
    rows = [[id_of(i), p.name] for i, p in enumerate(people, start=1)]
    path = sheet(tmp_path, rows, encoding="gbk")
    report = import_enrolments(path, class_id=klass.pk, by=yicheng_officer)
    assert report.ok, report.errors
    assert (report.created, report.seated, report.waiting) == (7, 5, 2)
    assert "录取5，候补2" in report.summary()
    order = list(klass.enrolments.order_by("queue_no").values_list("worker__name", flat=True))
    assert order == [p.name for p in people]
    again = import_enrolments(path, class_id=klass.pk, by=yicheng_officer)
    assert (again.created, again.unchanged) == (0, 7)
    assert Enrolment.objects.count() == 7


def test_bad_rows_are_named_and_nothing_is_imported(tmp_path, make_class, yicheng_officer, people):
    klass = make_class(capacity=5)
    bad_checksum = id_of(2)[:-1] + ("0" if id_of(2)[-1] != "0" else "1")
    rows = [
        [id_of(1), "张东青"],
        [bad_checksum, "李秀英"],
        [id_of(3), "王五"],
        [id_of(1), "张东青"],
        ["", ""],
        [id_of(99), "陌生人"],
    ]
    report = import_enrolments(sheet(tmp_path, rows), class_id=klass.pk, by=yicheng_officer)
    assert not report.ok
    found = [(p.row, p.column) for p in report.errors]
    assert found == [
        (3, "身份证号"),
        (4, "姓名"),
        (5, "身份证号"),
        (6, "身份证号"),
        (6, "姓名"),
        (7, "身份证号"),
    ]
    messages = {(p.row, p.column): p.message for p in report.errors}
    assert "校验位" in messages[(3, "身份证号")]
    assert "（王*）" in messages[(4, "姓名")]
    assert messages[(5, "身份证号")] == "与第2行是同一职工"
    assert "未在" in messages[(7, "身份证号")]
    assert Enrolment.objects.count() == 0
    assert "未导入任何数据" in report.summary()


def test_a_sibling_officer_cannot_import_into_our_class(
    tmp_path, make_class, luoyang_officer, people
):
    klass = make_class()
    report = import_enrolments(
        sheet(tmp_path, [[id_of(1), "张东青"]]), class_id=klass.pk, by=luoyang_officer
    )
    assert "没有编号为" in report.file_error
    assert Enrolment.objects.count() == 0


def test_wrong_header_and_xlsx_dry_run(tmp_path, make_class, yicheng_officer, people):
    klass = make_class()
    bad = write_csv(tmp_path / "x.csv", ["姓名", "身份证号"], [["张东青", id_of(1)]])
    report = import_enrolments(bad, class_id=klass.pk, by=yicheng_officer)
    assert "第1行表头应为“身份证号,姓名”" in report.file_error
    book = Workbook()
    book.active.append(list(COLUMNS))
    book.active.append([id_of(1), "张東青"])  # traditional characters match
    book.save(tmp_path / "list.xlsx")
    report = import_enrolments(
        tmp_path / "list.xlsx", class_id=klass.pk, by=yicheng_officer, dry_run=True
    )
    assert report.ok and report.created == 1 and Enrolment.objects.count() == 0


def test_cli_import_enrolments(tmp_path, make_class, province_admin, people, capsys):
    klass = make_class()
    path = sheet(tmp_path, [[id_of(1), "张东青"], [id_of(2), "李秀英"]])
    call_command("import", "enrolments", str(klass.pk), str(path))
    assert "新报名2人" in capsys.readouterr().out
    bad = sheet(tmp_path, [[id_of(3), "别人"]], name="bad.csv")
    with pytest.raises(CommandError):
        call_command("import", "enrolments", str(klass.pk), str(bad))
    assert "第2行【姓名】" in capsys.readouterr().err
