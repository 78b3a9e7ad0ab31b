"""The training figures of the report card (职工夜校每年服务职工两万余人次；培育工匠人才1.4万名；
资助校企合作培训项目15万元)."""

from gonghui.core.indicators import Indicator
from gonghui.training.competitions import craftsmen
from gonghui.training.selectors import attendances_in, entries_in, fund_budget_fen

LABEL = "职工技能与素质提升"
INDICATORS = (
    Indicator(
        "training.attendances",
        "职工夜校服务职工",
        "人次",
        attendances_in,
        places=0,
        at_least=True,
        words=True,
    ),
    Indicator("training.craftsmen", "工匠人才", "名", craftsmen, distinct=True),
    Indicator("training.entries", "职工技能竞赛参赛", "人次", entries_in),
    Indicator("training.fund", "培训资助", "元", fund_budget_fen, money=True),
)
SENTENCES = (
    "职工夜校服务职工{training.attendances}",
    "培育工匠人才{training.craftsmen}",
    "百千万职工技能竞赛参赛{training.entries}",
    "资助校企合作培训项目{training.fund}",
)
