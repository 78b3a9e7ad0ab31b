"""Case rosters and recoveries from files: all or nothing, each bad row named; 100,000
recoveries add up to the fen."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.management import call_command

from gonghui.core.money import fen_to_yuan
from gonghui.core.tabular import write_csv
from gonghui.members.generate import roster_rows, write_roster_csv
from gonghui.members.importers import import_workers
from gonghui.members.services import reveal_id_number
from gonghui.rights.importers import (
    RECOVERY_COLUMNS,
    WORKER_COLUMNS,
    import_case_workers,
    import_recoveries,
)
from gonghui.rights.models import CaseWorker, Recovery
from gonghui.rights.selectors import rights_figures

pytestmark = pytest.mark.django_db


def test_a_roster_with_one_bad_row_adds_nobody_and_names_every_problem(
    case, make_worker, yicheng_officer, luoyang_officer, tmp_path
):
    made = case()
    zhang, li = make_worker("张东青"), make_worker("李四")
    outsider = make_worker("王五", org="410302")
    number = {w: reveal_id_number(by=yicheng_officer, worker=w) for w in (zhang, li)}
    outsider_number = reveal_id_number(by=luoyang_officer, worker=outsider)
    path = write_csv(
        tmp_path / "工人.csv",
        WORKER_COLUMNS,
        [
            ["张东青", number[zhang], "12000"],
            ["李四", number[li], "8000.505"],
            ["张冬青", number[zhang], "100"],
            ["王五", outsider_number, "100"],
            ["赵六", "41170219900101001X", "100"],
        ],
        encoding="gbk",
    )
    report = import_case_workers(path, by=yicheng_officer, case=made)
    problems = [str(p) for p in report.errors]
    assert not report.ok and CaseWorker.objects.count() == 0
    assert any(p.startswith("第3行【欠薪金额（元）】") and "两位小数" in p for p in problems)
    assert any(p.startswith("第4行【姓名】") for p in problems)
    assert any(p.startswith("第5行【身份证号】") and "职工名册" in p for p in problems)
    assert any(p.startswith("第6行【身份证号】") and "校验位" in p for p in problems)
    fixed = write_csv(
        tmp_path / "工人2.csv",
        WORKER_COLUMNS,
        [
            ["张东青", number[zhang], "12000"],
            ["李四", number[li], "8000.50"],
        ],
    )
    assert import_case_workers(fixed, by=yicheng_officer, case=made).created == 2
    again = import_case_workers(fixed, by=yicheng_officer, case=made)
    assert "已在本案件中" in str(again.errors[0]) and CaseWorker.objects.count() == 2


def test_each_bad_cell_of_a_recovery_list_is_named_by_its_column(
    case_with_workers, make_worker, yicheng_officer, tmp_path
):
    """The services name attributes (``wages_fen``, ``recovered_on``); the report names
    the file's columns, through the importer's one mapping."""
    made, (zhang_line, li_line) = case_with_workers
    zhang = reveal_id_number(by=yicheng_officer, worker=zhang_line.worker)
    li = reveal_id_number(by=yicheng_officer, worker=li_line.worker)
    stranger = reveal_id_number(by=yicheng_officer, worker=make_worker("王五"))
    path = write_csv(
        tmp_path / "追回.csv",
        RECOVERY_COLUMNS,
        [
            [zhang, "12.345", "0", "2026-03-01"],
            [li, "100", "abc", "2026-03-01"],
            [zhang, "100", "0", "2026-02-30"],
            [li, "0", "0", "2026-03-01"],
            [zhang, "0", "-5", "2026-03-01"],
            [li, "100", "0", "2999-01-01"],
            [stranger, "100", "0", "2026-03-01"],
        ],
    )
    report = import_recoveries(path, by=yicheng_officer, case=made)
    assert [(p.row, p.column) for p in report.errors] == [
        (2, "追回工资（元）"),
        (3, "追回赔偿金（元）"),
        (4, "追回日期"),
        (5, "追回工资（元）"),
        (6, "追回赔偿金（元）"),  # a negative compensation is its own column's problem
        (7, "追回日期"),
        (8, "身份证号"),
    ]
    assert report.errors[0].message == "追回工资（元）“12.345”最多两位小数（精确到分）"
    assert report.errors[2].message == "追回日期“2026-02-30”不是有效日期（例：2024-03-01）"
    assert Recovery.objects.count() == 0


def test_the_import_command_takes_a_case_number(
    case_with_workers, yicheng_officer, recorder, tmp_path, capsys
):
    made, (zhang_line, _) = case_with_workers
    number = reveal_id_number(by=yicheng_officer, worker=zhang_line.worker)
    path = write_csv(
        tmp_path / "追回.csv", RECOVERY_COLUMNS, [[number, "1000", "50.5", "2026-03-01"]]
    )
    call_command("import", "recoveries", str(made.pk), str(path), "--user", recorder.username)
    assert Recovery.objects.get().compensation_fen == 5050
    call_command("rollup", "check", "--app", "rights")
    assert "一致" in capsys.readouterr().out


def test_100000_generated_recoveries_sum_to_the_fen(
    case, province_admin, yicheng_officer, recorder, tmp_path
):
    roster = list(roster_rows(200, org_codes=["411702"], regions=("411702",), seed=9))
    assert (
        import_workers(
            write_roster_csv(tmp_path / "r.csv", iter(roster)), by=province_admin
        ).created
        == 200
    )
    made = case()
    workers_file = write_csv(
        tmp_path / "w.csv", WORKER_COLUMNS, [[r[0], r[1], "99999.99"] for r in roster]
    )
    assert import_case_workers(workers_file, by=yicheng_officer, case=made).created == 200
    rng = random.Random(2026)
    rows, wages, compensation = [], [], []
    for i in range(100_000):
        w = f"{rng.randrange(0, 5_000_00) / 100:.2f}"
        c = f"{rng.randrange(0, 20_000) / 100:.2f}" if i % 3 else "0"
        if w == "0.00" and c in ("0", "0.00"):
            w = "0.01"
        rows.append([roster[i % 200][1], w, c, f"2026-0{1 + i % 9}-{1 + i % 28:02d}"])
        wages.append(Decimal(w))
        compensation.append(Decimal(c))
    path = write_csv(tmp_path / "recoveries.csv", RECOVERY_COLUMNS, rows)
    report = import_recoveries(path, by=recorder, case=made)
    assert report.ok, report.errors[:3]
    assert report.created == 100_000
    figures = rights_figures(yicheng_officer, year=2026)
    assert fen_to_yuan(figures.wages_fen) == sum(wages)
    assert fen_to_yuan(figures.compensation_fen) == sum(compensation)
    assert fen_to_yuan(figures.total_fen) == sum(wages) + sum(compensation)
    assert (figures.workers, figures.instalments) == (200, 100_000)
    assert datetime.date(2026, 1, 1) <= Recovery.objects.earliest("recovered_on").recovered_on
