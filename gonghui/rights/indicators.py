"""The wage-arrears figures of the report card (帮助19.96万名农民工追回工资及赔偿金17.13亿元),
and the figures page that shows them by child org with the split behind them."""

from gonghui.core.figures import FiguresPage, Table
from gonghui.core.indicators import Indicator
from gonghui.rights.selectors import (
    compensation_recovered_fen,
    instalments_recovered,
    recovered_fen,
    wages_recovered_fen,
    workers_helped,
)

WORKERS = Indicator("rights.workers", "追回欠薪的农民工", "名", workers_helped, distinct=True)
RECOVERED = Indicator("rights.recovered", "追回工资及赔偿金", "元", recovered_fen, money=True)

LABEL = "农民工欠薪维权"
INDICATORS = (WORKERS, RECOVERED)
SENTENCES = ("帮助{rights.workers}农民工追回工资及赔偿金{rights.recovered}",)

FIGURES = FiguresPage(
    title="欠薪维权统计",
    tiles=INDICATORS,
    tables=(
        Table(
            "按组织",
            (
                WORKERS,
                Indicator("rights.instalments", "追回笔数", "笔", instalments_recovered),
                Indicator("rights.wages", "追回工资", "元", wages_recovered_fen, money=True),
                Indicator(
                    "rights.compensation",
                    "追回赔偿金",
                    "元",
                    compensation_recovered_fen,
                    money=True,
                ),
                RECOVERED,
            ),
        ),
    ),
    notes=("追回金额与笔数计入追回时承办案件的组织，按追回日期计入期间。",),
)
