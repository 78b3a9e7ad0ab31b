"""Wage-case exports as Excel: a case's workers (masked) and the figures; both audited."""

from openpyxl import Workbook

from gonghui.audit.services import record_event
from gonghui.core.money import fen_to_yuan
from gonghui.core.workbook import add_sheet, new_workbook
from gonghui.rights.selectors import RightsFigures, WorkerLine


def case_workbook(user, case, lines: list[WorkerLine]) -> Workbook:
    book = new_workbook()
    add_sheet(
        book,
        f"案件{case.pk}",
        ["职工", "身份证号", "欠薪（元）", "追回工资（元）", "追回赔偿金（元）", "追回笔数"],
        (
            [
                w.masked_name,
                w.id_masked,
                fen_to_yuan(w.owed_fen),
                fen_to_yuan(w.wages_fen),
                fen_to_yuan(w.compensation_fen),
                w.instalments,
            ]
            for w in lines
        ),
        money_columns=(3, 4, 5),
    )
    record_event(
        actor=user,
        action="export",
        object_type="wage_case",
        object_id=case.pk,
        org_path=user.scope_path,
        after={"workers": len(lines)},
    )
    return book


def figures_workbook(user, figures: RightsFigures) -> Workbook:
    book = new_workbook()
    header = [
        "组织代码",
        "组织",
        "年度",
        "追回人数",
        "追回笔数",
        "工资（元）",
        "赔偿金（元）",
        "合计（元）",
    ]

    def row(f: RightsFigures) -> list:
        return [
            f.org.code,
            f.org.name,
            f.year,
            f.workers,
            f.instalments,
            fen_to_yuan(f.wages_fen),
            fen_to_yuan(f.compensation_fen),
            fen_to_yuan(f.total_fen),
        ]

    add_sheet(book, "汇总", header, [row(figures)], money_columns=(6, 7, 8))
    add_sheet(
        book, "按下级组织", header, (row(c) for c in figures.children), money_columns=(6, 7, 8)
    )
    record_event(
        actor=user,
        action="export",
        object_type="rights_figures",
        object_id=figures.year,
        org_path=figures.org.path,
        after={"org": figures.org.code},
    )
    return book
