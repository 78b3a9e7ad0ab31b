"""Worker categories: a fixed vocabulary, stored as bits so a worker can have several.

Bits are assigned once and never reused; add new categories at the end.
"""

from typing import NamedTuple


class Category(NamedTuple):
    bit: int
    name: str
    new_employment_form: bool


CATEGORIES: tuple[Category, ...] = (
    Category(1 << 0, "环卫工人", False),
    Category(1 << 1, "户外劳动者", False),
    Category(1 << 2, "货车司机", True),
    Category(1 << 3, "快递员", True),
    Category(1 << 4, "外卖骑手", True),
    Category(1 << 5, "网约车司机", True),
    Category(1 << 6, "农民工", False),
    Category(1 << 7, "建筑工人", False),
    Category(1 << 8, "家政服务员", False),
)
BY_NAME = {c.name: c for c in CATEGORIES}
# 新就业形态劳动者 is derived, never entered: any of the platform-work categories.
NEW_EMPLOYMENT_FORM_BITS = sum(c.bit for c in CATEGORIES if c.new_employment_form)
NEW_EMPLOYMENT_FORM = "新就业形态劳动者"
# Workers who work outdoors, whom rest stations (爱心驿站) serve; members keeps their count
# per org and employer (``OutdoorWorkerCount``), so the definition lives here.
OUTDOOR_CATEGORIES = ("环卫工人", "户外劳动者", "快递员", "外卖骑手", "货车司机", "网约车司机")
OUTDOOR_BITS = sum(BY_NAME[name].bit for name in OUTDOOR_CATEGORIES)


def category_names(bits: int) -> list[str]:
    return [c.name for c in CATEGORIES if bits & c.bit]
