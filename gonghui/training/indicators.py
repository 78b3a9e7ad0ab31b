"""The training figures of the report card (职工夜校每年服务职工两万余人次；培育工匠人才1.4万名；
资助校企合作培训项目15万元), and the figures page that shows them by child org with the seats,
distinct persons, fund spending, trainees and outcomes behind them."""

from gonghui.core.figures import FiguresPage, Table
from gonghui.core.indicators import Indicator
from gonghui.training.competitions import craftsmen
from gonghui.training.models import OutcomeKind
from gonghui.training.selectors import (
    attendances_in,
    attending_persons,
    enrolled_persons,
    enrolments_in,
    entrants,
    entries_in,
    fund_budget_fen,
    fund_measure,
    fund_trainee_persons,
)

ATTENDANCES = Indicator(
    "training.attendances",
    "职工夜校服务职工",
    "人次",
    attendances_in,
    places=0,
    at_least=True,
    words=True,
)
CRAFTSMEN = Indicator("training.craftsmen", "工匠人才", "名", craftsmen, distinct=True)
ENTRIES = Indicator("training.entries", "职工技能竞赛参赛", "人次", entries_in)
FUND = Indicator("training.fund", "培训资助", "元", fund_budget_fen, money=True)

LABEL = "职工技能与素质提升"
INDICATORS = (ATTENDANCES, CRAFTSMEN, ENTRIES, FUND)
SENTENCES = (
    "职工夜校服务职工{training.attendances}",
    "培育工匠人才{training.craftsmen}",
    "百千万职工技能竞赛参赛{training.entries}",
    "资助校企合作培训项目{training.fund}",
)

FIGURES = FiguresPage(
    title="职工夜校与技能培训统计",
    tiles=INDICATORS,
    tables=(
        Table(
            "职工夜校、技能竞赛与工匠",
            (
                Indicator("training.enrolments", "夜校录取", "人次", enrolments_in),
                Indicator("training.enrolled", "录取职工", "人", enrolled_persons, distinct=True),
                ATTENDANCES,
                Indicator("training.attending", "出勤职工", "人", attending_persons, distinct=True),
                ENTRIES,
                Indicator("training.entrants", "参赛职工", "人", entrants, distinct=True),
                CRAFTSMEN,
            ),
        ),
        Table(
            "培训资助项目（校企合作）",
            (
                Indicator("training.fund.projects", "资助项目", "个", fund_measure("projects")),
                FUND,
                Indicator(
                    "training.fund.spent", "资助支出", "元", fund_measure("spent_fen"), money=True
                ),
                Indicator("training.fund.trainees", "资助学员", "人次", fund_measure("trainees")),
                Indicator(
                    "training.fund.persons", "资助学员", "人", fund_trainee_persons, distinct=True
                ),
                *(
                    Indicator(f"training.outcome.{kind}", label, "人", fund_measure(kind))
                    for kind, label in OutcomeKind.choices
                ),
            ),
        ),
    ),
    notes=(
        "录取、出勤按录取日期与上课日期计入期间；竞赛按主办组织、比赛日期计入；"
        "工匠人才按授予年份计至期末，计入获授时职工所在的组织。",
        "资助项目与预算按开始日期，支出按支出日期，学员按入学日期，结果按登记的日期计入期间；"
        "学员人次为每个项目的学员数之和。",
    ),
)
