"""The wage-arrears figures of the report card (帮助19.96万名农民工追回工资及赔偿金17.13亿元)."""

from gonghui.core.indicators import Indicator
from gonghui.rights.selectors import recovered_fen, workers_helped

LABEL = "农民工欠薪维权"
INDICATORS = (
    Indicator("rights.workers", "追回欠薪的农民工", "名", workers_helped, distinct=True),
    Indicator("rights.recovered", "追回工资及赔偿金", "元", recovered_fen, money=True),
)
SENTENCES = ("帮助{rights.workers}农民工追回工资及赔偿金{rights.recovered}",)
