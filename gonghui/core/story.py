"""One line of a worker's story (the worker page's history across every app): each domain app
tells its own lines through its selectors, and the console puts them in date order."""

import datetime
from dataclasses import dataclass

from gonghui.core.money import yuan_text


@dataclass(frozen=True)
class StoryLine:
    day: datetime.date
    module: str  # 普惠服务, 互助保障, …
    what: str
    href: str | None = None


def yuan(fen: int) -> str:
    """Money as the pages show it: 元 with two places and thousands separators."""
    return f"{yuan_text(fen)}元"
