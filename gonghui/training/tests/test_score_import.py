"""``gonghui import scores COMPETITION FILE``: row-level report, all or nothing, idempotent, and
the ranking the imported marks give (ties included)."""

import datetime
import random

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from gonghui.core.models import ImportRun
from gonghui.core.tabular import write_csv
from gonghui.members.generate import make_id
from gonghui.orgs.models import Org
from gonghui.training.competitions import create_competition, enter_competition, ranking
from gonghui.training.importers import SCORE_COLUMNS, import_scores
from gonghui.training.models import Score

pytestmark = pytest.mark.django_db


def id_of(seed: int) -> str:
    return make_id(random.Random(seed), "411702")


@pytest.fixture
def contest(zhumadian_officer):
    return create_competition(
        by=zhumadian_officer,
        org=Org.objects.get(code="411700"),
        name="驻马店市焊工技能竞赛",
        tier="city",
        trade="焊工",
        held_on=datetime.date(2026, 10, 20),
        theory_weight=30,
    )


@pytest.fixture
def people(make_worker, contest, zhumadian_officer):
    """张东青, 李秀英, 王伟 entered; 赵敏 registered but not entered."""
    names = ["张东青", "李秀英", "王伟", "赵敏"]
    workers = [make_worker(n, id_number=id_of(i)) for i, n in enumerate(names, start=1)]
    for worker in workers[:3]:
        enter_competition(by=zhumadian_officer, competition=contest, worker=worker)
    return workers


def sheet(tmp_path, rows, name="评分表.csv", encoding="utf-8-sig"):
    return write_csv(tmp_path / name, SCORE_COLUMNS, rows, encoding=encoding)


def marks() -> dict:
    return {
        (s.entry.worker.name, s.judge, s.part): str(s.points)
        for s in Score.objects.select_related("entry__worker")
    }


GOOD = [
    [id_of(1), "张东青", "评委甲", "理论", "90"],
    [id_of(1), "张东青", "评委乙", "理论", "80"],
    [id_of(1), "张东青", "评委甲", "实操", "85"],
    [id_of(2), "李秀英", "评委甲", "理论", "85"],
    [id_of(2), "李秀英", "评委甲", "实操", "85"],
    [id_of(3), "王伟", "评委甲", "理论", "71"],
    [id_of(3), "王伟", "评委甲", "实操", "91"],
]


def test_imported_marks_rank_with_the_documented_tie_rule(
    tmp_path, contest, people, zhumadian_officer
):
    report = import_scores(
        sheet(tmp_path, GOOD, encoding="gbk"), competition=contest.pk, by=zhumadian_officer
    )
    assert report.ok, report.errors
    assert (report.rows, report.created, report.updated, report.unchanged) == (7, 7, 0, 0)
    assert marks()[("张东青", "评委乙", "theory")] == "80.00"
    # 张东青 0.3*85 + 0.7*85 = 85 and 李秀英 85/85: equal totals and practical means share 2nd;
    # 王伟 0.3*71 + 0.7*91 = 85 with the higher practical mean is 1st; no 3rd place.
    table = [(r.entry.worker.name, r.rank, r.total_shown) for r in ranking(contest)]
    assert table == [("王伟", 1, "85.00"), ("张东青", 2, "85.00"), ("李秀英", 2, "85.00")]
    assert ImportRun.objects.get(kind="scores").created == 7


def test_reimport_changes_nothing_and_a_corrected_sheet_updates_only_the_corrected_mark(
    tmp_path, contest, people, zhumadian_officer
):
    path = sheet(tmp_path, GOOD)
    import_scores(path, competition=contest.pk, by=zhumadian_officer)
    before = marks()
    again = import_scores(path, competition=contest.pk, by=zhumadian_officer)
    assert again.ok and (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert marks() == before
    corrected = [row[:] for row in GOOD]
    corrected[4][4] = "84.5"  # 李秀英's practical mark, mistyped on the first sheet
    fixed = import_scores(
        sheet(tmp_path, corrected, name="更正.csv"), competition=contest.pk, by=zhumadian_officer
    )
    assert fixed.ok and (fixed.created, fixed.updated, fixed.unchanged) == (0, 1, 6)
    assert marks() == {**before, ("李秀英", "评委甲", "practical"): "84.50"}
    assert [r.entry.worker.name for r in ranking(contest)] == ["王伟", "张东青", "李秀英"]
    assert "更新1" in fixed.summary()


def test_bad_rows_are_named_by_row_and_column_and_nothing_is_written(
    tmp_path, contest, people, zhumadian_officer
):
    rows = [
        [id_of(1), "张东青", "评委甲", "理论", "90"],  # good, but the file fails as a whole
        [id_of(99), "陌生人", "评委甲", "理论", "90"],  # not in the registry
        [id_of(4), "赵敏", "评委甲", "理论", "90"],  # registered, not entered
        [id_of(2), "李秀英", "评委甲", "笔试", "90"],
        [id_of(2), "李秀英", "评委甲", "实操", "100.5"],
        [id_of(3), "王伟", "评委甲", "实操", "八十"],
        [id_of(1), "张东青", " 评委甲", "理论", "91"],  # same judge and part as row 2
        [id_of(3), "王五", "评委甲", "理论", "90"],
        [id_of(3), "王伟", "", "理论", "90"],
    ]
    report = import_scores(sheet(tmp_path, rows), competition=contest.pk, by=zhumadian_officer)
    assert not report.ok
    problems = {(p.row, p.column): p.message for p in report.errors}
    assert sorted(problems) == [
        (3, "身份证号"),
        (4, "身份证号"),
        (5, "部分"),
        (6, "分数"),
        (7, "分数"),
        (8, "评委"),
        (9, "姓名"),
        (10, "评委"),
    ]
    assert "没有该身份证号" in problems[(3, "身份证号")]
    assert problems[(4, "身份证号")] == "该职工未报名“驻马店市焊工技能竞赛”"
    assert problems[(5, "部分")] == "评分部分应为理论或实操"
    assert "0至100" in problems[(6, "分数")] and "不是数字" in problems[(7, "分数")]
    assert problems[(8, "评委")] == "与第2行是同一评委对该职工理论部分的评分"
    assert problems[(10, "评委")] == "请填写评委"
    assert Score.objects.count() == 0 and not ImportRun.objects.filter(refused=False).exists()
    assert "未导入任何数据" in report.summary()


def test_only_the_organisers_subtree_may_import(
    tmp_path, contest, people, yicheng_officer, luoyang_officer
):
    path = sheet(tmp_path, GOOD)
    sibling = import_scores(path, competition=contest.pk, by=luoyang_officer)
    assert "没有编号为" in sibling.file_error
    below = import_scores(path, competition=contest.pk, by=yicheng_officer)  # sees, may not mark
    assert "无权" in below.file_error
    assert Score.objects.count() == 0


def test_cli_import_scores(tmp_path, contest, people, province_admin, capsys):
    path = sheet(tmp_path, GOOD[:2])
    call_command("import", "scores", str(contest.pk), str(path), "--dry-run")
    assert Score.objects.count() == 0
    call_command("import", "scores", str(contest.pk), str(path))
    assert "新增2" in capsys.readouterr().out
    bad = sheet(tmp_path, [[id_of(4), "赵敏", "评委甲", "理论", "90"]], name="bad.csv")
    with pytest.raises(CommandError):
        call_command("import", "scores", str(contest.pk), str(bad))
    assert "bad.csv 第2行【身份证号】该职工未报名" in capsys.readouterr().err
    assert Score.objects.count() == 2


def test_an_excel_sheet_with_numeric_marks_imports(tmp_path, contest, people, zhumadian_officer):
    book = Workbook()
    book.active.append(list(SCORE_COLUMNS))
    book.active.append([id_of(1), "张东青", "评委甲", "理论", 90])
    book.active.append([id_of(1), "张东青", "评委甲", "实操", 85.5])
    book.save(tmp_path / "评分表.xlsx")
    report = import_scores(tmp_path / "评分表.xlsx", competition=contest.pk, by=zhumadian_officer)
    assert report.ok, report.errors
    assert marks() == {
        ("张东青", "评委甲", "theory"): "90.00",
        ("张东青", "评委甲", "practical"): "85.50",
    }
