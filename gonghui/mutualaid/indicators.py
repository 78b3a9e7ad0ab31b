"""The mutual-aid figures of the report card (参保445万人次；为4.7万人发放互助金1.3亿元), and
the figures page that shows them by child org with the payouts behind them."""

from gonghui.core.figures import FiguresPage, Table
from gonghui.core.indicators import Indicator
from gonghui.mutualaid.selectors import enrolments_in, paid_fen, payees, payouts_in

ENROLMENTS = Indicator(
    "mutualaid.enrolments", "互助保障参保", "人次", enrolments_in, by_month=False
)
PAYEES = Indicator(
    "mutualaid.payees", "获得互助金的职工", "人", payees, distinct=True, by_month=False
)
PAID = Indicator("mutualaid.paid", "发放互助金", "元", paid_fen, money=True, by_month=False)

LABEL = "职工重大疾病互助保障"
INDICATORS = (ENROLMENTS, PAYEES, PAID)
SENTENCES = (
    "职工重大疾病互助保障参保{mutualaid.enrolments}；为{mutualaid.payees}发放互助金{mutualaid.paid}",
)

FIGURES = FiguresPage(
    title="互助保障统计",
    tiles=INDICATORS,
    tables=(
        Table(
            "按组织",
            (
                ENROLMENTS,
                PAYEES,
                Indicator("mutualaid.payouts", "发放笔数", "笔", payouts_in, by_month=False),
                PAID,
            ),
        ),
    ),
    notes=("互助保障按计划年度统计：所选期间涉及的计划年度整年计入。",),
)
