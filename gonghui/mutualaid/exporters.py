"""Mutual-aid exports as Excel: a claim list (no health data) and the figures; both audited."""

from openpyxl import Workbook

from gonghui.audit.services import record_event
from gonghui.core.money import fen_to_yuan
from gonghui.core.workbook import add_sheet, new_workbook
from gonghui.mutualaid.selectors import AidFigures, claim_row


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


def figures_workbook(user, figures: AidFigures) -> Workbook:
    """The figures page: the headline and one row per child org (payees are not summable)."""
    book = new_workbook()
    header = ["组织代码", "组织", "年度", "参保人次", "受助人数", "发放笔数", "发放金额（元）"]

    def row(f: AidFigures) -> list:
        return [
            f.org.code,
            f.org.name,
            f.year,
            f.enrolments,
            f.payees,
            f.payouts,
            fen_to_yuan(f.paid_fen),
        ]

    add_sheet(book, "汇总", header, [row(figures)], money_columns=(7,))
    add_sheet(book, "按下级组织", header, (row(c) for c in figures.children), money_columns=(7,))
    record_event(
        actor=user,
        action="export",
        object_type="aid_figures",
        object_id=figures.year,
        org_path=figures.org.path,
        after={"org": figures.org.code},
    )
    return book
