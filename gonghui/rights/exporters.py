"""Wage-case exports as Excel: a case's workers (masked) and the figures; both audited."""

from openpyxl import Workbook

from gonghui.audit.services import record_event
from gonghui.core.drilldown import DrillDown
from gonghui.core.figures import figures_workbook as page_workbook
from gonghui.core.money import fen_to_yuan
from gonghui.core.workbook import add_sheet, new_workbook
from gonghui.orgs.models import Org
from gonghui.rights.indicators import FIGURES
from gonghui.rights.selectors import WorkerLine


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


def figures_workbook(user, drilled: DrillDown[Org]) -> Workbook:
    """The figures page's table (本级, every child org, 合计) as Excel; audited."""
    book = page_workbook(FIGURES, drilled)
    period = drilled.period
    record_event(
        actor=user,
        action="export",
        object_type="rights_figures",
        object_id=f"{period.start}/{period.end}",
        org_path=drilled.place.path,
        after={"org": drilled.place.code},
    )
    return book
