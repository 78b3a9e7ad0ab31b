"""The benefit programmes' figures of the report card: each published line counts every
programme its organisers filed under it (``Program.report_line``), wherever it ran
(为2.79万名新就业形态劳动者免费体检；为14.43万名环卫工人提供免费早餐5888.7万人次)."""

from functools import partial

from gonghui.core.indicators import Indicator
from gonghui.programs.models import ReportLine
from gonghui.programs.selectors import line_person_times, line_persons

EXAM, TRUCK, BREAKFAST = (
    ReportLine.NEW_EMPLOYMENT_EXAM,
    ReportLine.TRUCK_INSURANCE,
    ReportLine.SANITATION_BREAKFAST,
)

LABEL = "普惠服务"
INDICATORS = (
    Indicator(
        "programs.exam_persons",
        "免费体检的新就业形态劳动者",
        "名",
        partial(line_persons, EXAM),
        distinct=True,
    ),
    Indicator(
        "programs.truck_persons",
        "获赠意外伤害保险的货车司机",
        "名",
        partial(line_persons, TRUCK),
        distinct=True,
    ),
    Indicator(
        "programs.breakfast_persons",
        "享受免费早餐的环卫工人",
        "名",
        partial(line_persons, BREAKFAST),
        distinct=True,
    ),
    Indicator(
        "programs.breakfast_times",
        "免费早餐",
        "人次",
        partial(line_person_times, BREAKFAST),
        places=1,
    ),
)
SENTENCES = (
    "为{programs.exam_persons}新就业形态劳动者免费体检",
    "为{programs.truck_persons}货车司机赠送意外伤害保险",
    "为{programs.breakfast_persons}环卫工人提供免费早餐{programs.breakfast_times}",
)
