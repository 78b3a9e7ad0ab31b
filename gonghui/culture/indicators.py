"""The culture figures of the report card (开展万场文化活动进基层5.12万余场演出，覆盖职工870余万人次；
建成省级及以上示范职工书屋2109家；转发传播2104.8万次)."""

from gonghui.core.indicators import Indicator
from gonghui.culture.selectors import (
    audience_reached,
    demonstration_bookhouses,
    events_held,
    reading_shares,
)

LABEL = "文化服务"
INDICATORS = (
    Indicator("culture.events", "文化活动", "场", events_held, at_least=True),
    Indicator("culture.audience", "覆盖职工", "人次", audience_reached, places=0, at_least=True),
    Indicator(
        "culture.bookhouses",
        "省级及以上示范职工书屋",
        "家",
        demonstration_bookhouses,
        by_month=False,
    ),
    Indicator("culture.shares", "转发传播", "次", reading_shares, places=1),
)
SENTENCES = (
    "开展万场文化活动进基层{culture.events}演出，覆盖职工{culture.audience}",
    "建成省级及以上示范职工书屋{culture.bookhouses}",
    "“悦读新思想 经典诵读”活动转发传播{culture.shares}",
)
