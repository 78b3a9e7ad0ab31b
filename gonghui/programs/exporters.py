"""A program's figures as an Excel workbook: the headline, each child org, each day.

Amounts are written in yuan (two decimals, from exact fen) so the sheet adds up the
way the page does; distinct persons are per row and are not meant to be summed.
"""

from openpyxl import Workbook

from gonghui.audit.services import record_event
from gonghui.core.money import fen_to_yuan
from gonghui.core.workbook import add_sheet as _sheet
from gonghui.core.workbook import new_workbook
from gonghui.programs.selectors import ProgramFigures


def program_workbook(user, figures: ProgramFigures, *, budget_left_fen: int | None) -> Workbook:
    """The figures the user sees on the detail page (same drill-down); the export is audited.

    ``budget_left_fen`` is None when the user does not hold the whole program.
    """
    program, org = figures.program, figures.org
    book = new_workbook()
    _sheet(
        book,
        "汇总",
        ["项目", "统计范围", "组织代码", "服务人数", "服务人次", "金额（元）", "预算余额（元）"],
        [
            [
                program.name,
                org.name,
                org.code,
                figures.persons,
                figures.person_times,
                fen_to_yuan(figures.amount_fen),
                fen_to_yuan(budget_left_fen) if budget_left_fen is not None else "",
            ]
        ],
        money_columns=(6, 7),
    )
    _sheet(
        book,
        "按下级组织",
        ["组织代码", "组织", "服务人数", "服务人次", "金额（元）"],
        (
            [c.org.code, c.org.name, c.persons, c.person_times, fen_to_yuan(c.amount_fen)]
            for c in figures.children
        ),
        money_columns=(5,),
    )
    _sheet(
        book,
        "按日",
        ["日期", "服务人次", "金额（元）"],
        ([day, times, fen_to_yuan(fen)] for day, times, fen in figures.days),
        money_columns=(3,),
    )
    for cell in book["按日"]["A"][1:]:
        cell.number_format = "yyyy-mm-dd"
    record_event(
        actor=user,
        action="export",
        object_type="program",
        object_id=program.pk,
        org_path=org.path,
        after={"org": org.code, "children": len(figures.children), "days": len(figures.days)},
    )
    return book
