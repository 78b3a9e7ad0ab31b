"""Mutual-aid exports as Excel: a claim list (no health data) and the figures, both audited,
and the empty roster template."""

from openpyxl import Workbook

from gonghui.audit.services import record_event
from gonghui.core.drilldown import DrillDown
from gonghui.core.figures import figures_workbook as page_workbook
from gonghui.core.money import fen_to_yuan
from gonghui.core.workbook import add_sheet, new_workbook
from gonghui.mutualaid.indicators import FIGURES
from gonghui.mutualaid.selectors import claim_row
from gonghui.orgs.models import Org


def _yuan(fen: int | None):
    return "" if fen is None else fen_to_yuan(fen)


def claims_workbook(user, claims, *, tab: str) -> Workbook:
    """The claims listed (the user's queue or a state): masked names, states, amounts."""
    book = new_workbook()
    rows = [claim_row(c) for c in claims.iterator(chunk_size=2000)]
    add_sheet(
        book,
        "互助金申请",
        [
            "申请编号",
            "职工",
            "受理组织",
            "组织代码",
            "状态",
            "申请金额（元）",
            "批准金额（元）",
            "状态时间",
        ],
        (
            [
                r["id"],
                r["masked_name"],
                r["org_name"],
                r["org_code"],
                r["state_label"],
                _yuan(r["claimed_fen"]),
                _yuan(r["approved_fen"]),
                r["state_changed_at"].strftime("%Y-%m-%d %H:%M"),
            ]
            for r in rows
        ),
        money_columns=(6, 7),
    )
    record_event(
        actor=user,
        action="export",
        object_type="aid_claim",
        object_id="list",
        org_path=user.scope_path,
        after={"tab": tab, "rows": len(rows)},
    )
    return book


def figures_workbook(user, drilled: DrillDown[Org]) -> Workbook:
    """The figures page's table (本级, every child org, 合计) as Excel; audited."""
    book = page_workbook(FIGURES, drilled)
    period = drilled.period
    record_event(
        actor=user,
        action="export",
        object_type="aid_figures",
        object_id=f"{period.start}/{period.end}",
        org_path=drilled.place.path,
        after={"org": drilled.place.code},
    )
    return book
