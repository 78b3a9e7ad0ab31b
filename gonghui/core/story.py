"""One line of a worker's story (the worker page's history across every app): each domain app
tells its own lines through its selectors, and the console puts them in date order."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class StoryLine:
    day: datetime.date
    module: str  # 普惠服务, 互助保障, …
    what: str
    href: str | None = None
