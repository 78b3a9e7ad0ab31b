"""The mutual-aid figures of the report card (参保445万人次；为4.7万人发放互助金1.3亿元)."""

from gonghui.core.indicators import Indicator
from gonghui.mutualaid.selectors import enrolments_in, paid_fen, payees

LABEL = "职工重大疾病互助保障"
INDICATORS = (
    Indicator("mutualaid.enrolments", "互助保障参保", "人次", enrolments_in, by_month=False),
    Indicator("mutualaid.payees", "获得互助金的职工", "人", payees, distinct=True, by_month=False),
    Indicator("mutualaid.paid", "发放互助金", "元", paid_fen, money=True, by_month=False),
)
SENTENCES = (
    "职工重大疾病互助保障参保{mutualaid.enrolments}；为{mutualaid.payees}发放互助金{mutualaid.paid}",
)
