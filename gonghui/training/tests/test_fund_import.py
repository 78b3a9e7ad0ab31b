"""``gonghui import fund-trainees PROJECT FILE``: row-level report, all or nothing, idempotent."""

import datetime
import random

import pytest
from django.core.management import CommandError, call_command

from gonghui.core.models import ImportRun
from gonghui.core.tabular import write_csv
from gonghui.members.generate import make_id
from gonghui.training.importers import FUND_COLUMNS, import_fund_trainees
from gonghui.training.models import FundTrainee, FundYear
from gonghui.training.tests.conftest import START

pytestmark = pytest.mark.django_db


def id_of(seed: int) -> str:
    return make_id(random.Random(seed), "411702")


@pytest.fixture
def people(make_worker):
    names = ["张东青", "李秀英", "王伟", "赵敏"]
    return [make_worker(n, id_number=id_of(i)) for i, n in enumerate(names, start=1)]


def sheet(tmp_path, rows, name="学员名单.csv", encoding="utf-8-sig"):
    return write_csv(tmp_path / name, FUND_COLUMNS, rows, encoding=encoding)


def test_a_clean_roster_adds_each_worker_once_and_reimport_changes_nothing(
    tmp_path, make_project, yicheng_officer, people
):
    project = make_project()
    later = START + datetime.timedelta(days=3)
    rows = [
        [id_of(1), "张东青", ""],
        [id_of(2), "李秀英", later.isoformat()],
        [id_of(3), "王伟", f"{later:%Y/%m/%d}"],
    ]
    path = sheet(tmp_path, rows, encoding="gbk")
    report = import_fund_trainees(path, project=project.pk, by=yicheng_officer)
    assert report.ok, report.errors
    assert (report.created, report.unchanged) == (3, 0)
    dates = dict(FundTrainee.objects.values_list("worker__name", "joined_on"))
    assert dates == {"张东青": START, "李秀英": later, "王伟": later}
    again = import_fund_trainees(path, project=project.pk, by=yicheng_officer)
    assert again.ok and (again.created, again.unchanged) == (0, 3)
    assert FundTrainee.objects.count() == 3
    assert sum(FundYear.objects.values_list("trainees", flat=True)) == 3
    assert ImportRun.objects.filter(kind="fund-trainees").count() == 2


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_added(
    tmp_path, make_project, yicheng_officer, people
):
    project = make_project()
    bad_checksum = id_of(2)[:-1] + ("0" if id_of(2)[-1] != "0" else "1")
    rows = [
        [id_of(1), "张东青", ""],  # good, but the file fails as a whole
        [bad_checksum, "李秀英", ""],
        [id_of(3), "王五", ""],
        [id_of(1), "张东青", ""],
        [id_of(4), "赵敏", "2001-02-30"],
        [id_of(4), "赵敏", ""],
        [id_of(99), "陌生人", ""],
    ]
    report = import_fund_trainees(sheet(tmp_path, rows), project=project.pk, by=yicheng_officer)
    assert not report.ok
    problems = {(p.row, p.column): p.message for p in report.errors}
    assert sorted(problems) == [
        (3, "身份证号"),
        (4, "姓名"),
        (5, "身份证号"),
        (6, "入学日期"),
        (7, "身份证号"),
        (8, "身份证号"),
    ]
    assert "校验位" in problems[(3, "身份证号")]
    assert problems[(5, "身份证号")] == "与第2行是同一职工"
    assert "不是有效日期" in problems[(6, "入学日期")]
    assert problems[(7, "身份证号")] == "与第6行是同一职工"
    assert "没有该身份证号" in problems[(8, "身份证号")]
    assert FundTrainee.objects.count() == 0 and not FundYear.objects.filter(trainees__gt=0)
    assert "未导入任何数据" in report.summary()


def test_a_date_outside_the_project_is_a_row_problem(
    tmp_path, make_project, yicheng_officer, people
):
    project = make_project()
    before = (START - datetime.timedelta(days=1)).isoformat()
    report = import_fund_trainees(
        sheet(tmp_path, [[id_of(1), "张东青", ""], [id_of(2), "李秀英", before]]),
        project=project.pk,
        by=yicheng_officer,
    )
    assert [(p.row, p.column) for p in report.errors] == [(3, "入学日期")]
    assert FundTrainee.objects.count() == 0


def test_a_sibling_officer_cannot_import_into_our_project(
    tmp_path, make_project, luoyang_officer, people
):
    project = make_project()
    report = import_fund_trainees(
        sheet(tmp_path, [[id_of(1), "张东青", ""]]), project=project.pk, by=luoyang_officer
    )
    assert "没有编号为" in report.file_error
    assert FundTrainee.objects.count() == 0


def test_cli_import_fund_trainees(tmp_path, make_project, province_admin, people, capsys):
    project = make_project()
    path = sheet(tmp_path, [[id_of(1), "张东青", ""], [id_of(2), "李秀英", ""]])
    call_command("import", "fund-trainees", str(project.pk), str(path), "--dry-run")
    assert FundTrainee.objects.count() == 0
    call_command("import", "fund-trainees", str(project.pk), str(path))
    assert "新增2" in capsys.readouterr().out
    bad = sheet(tmp_path, [[id_of(3), "别人", ""]], name="bad.csv")
    with pytest.raises(CommandError):
        call_command("import", "fund-trainees", str(project.pk), str(bad))
    assert "bad.csv 第2行【姓名】" in capsys.readouterr().err
    assert FundTrainee.objects.count() == 2
