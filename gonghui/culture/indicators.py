"""The culture figures of the report card (开展万场文化活动进基层5.12万余场演出，覆盖职工870余万人次；
建成省级及以上示范职工书屋2109家；转发传播2104.8万次), and the figures page that shows them by
child org with the sign-ins, reads, visits and bookhouse registry behind them."""

from gonghui.core.figures import FiguresPage, Table
from gonghui.core.indicators import Indicator
from gonghui.culture.models import BookhouseLevel
from gonghui.culture.selectors import (
    attendances_in,
    attendees,
    audience_reached,
    bookhouse_visits,
    bookhouses_at,
    demonstration_bookhouses,
    events_held,
    reading_reads,
    reading_shares,
)

EVENTS = Indicator("culture.events", "文化活动", "场", events_held, at_least=True)
AUDIENCE = Indicator(
    "culture.audience",
    "覆盖职工",
    "人次",
    audience_reached,
    places=-1,  # cut at 十万: 870余万人次
    at_least=True,
)
BOOKHOUSES = Indicator(
    "culture.bookhouses",
    "省级及以上示范职工书屋",
    "家",
    demonstration_bookhouses,
    by_month=False,
)
SHARES = Indicator("culture.shares", "转发传播", "次", reading_shares, places=1)

LABEL = "文化服务"
INDICATORS = (EVENTS, AUDIENCE, BOOKHOUSES, SHARES)
SENTENCES = (
    "开展万场文化活动进基层{culture.events}演出，覆盖职工{culture.audience}",
    "建成省级及以上示范职工书屋{culture.bookhouses}",
    "“悦读新思想 经典诵读”活动转发传播{culture.shares}",
)

FIGURES = FiguresPage(
    title="职工文化统计",
    tiles=INDICATORS,
    tables=(
        Table(
            "文化活动与阅读",
            (
                EVENTS,
                AUDIENCE,
                Indicator("culture.attendances", "签到", "人次", attendances_in),
                Indicator("culture.attendees", "签到职工", "人", attendees, distinct=True),
                Indicator("culture.reads", "阅读", "次", reading_reads),
                SHARES,
            ),
        ),
        Table(
            "职工书屋",
            (
                BOOKHOUSES,
                Indicator("culture.visits", "书屋读者", "人次", bookhouse_visits),
                *(
                    Indicator(f"culture.level.{level}", label, "家", bookhouses_at(level))
                    for level, label in BookhouseLevel.choices
                ),
            ),
        ),
    ),
    notes=(
        "覆盖职工为活动观众人次（露天演出为估计数），不是人数；签到只计持票或签到的在册职工。",
        "省级及以上示范书屋按命名年份计至期末；各级别书屋家数为当前名录，不随期间变化；"
        "书屋读者人次按月登记，计入月初所在的期间。",
    ),
)
