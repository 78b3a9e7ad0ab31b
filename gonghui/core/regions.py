"""GB/T 2260 administrative division codes, read from python-stdnum's table.

python-stdnum ships the historical table in ``stdnum/cn/loc.dat``: every code
with the years it was in use (``[1983-2004]郊区``), an open end meaning the code
is current. The union tree and ID-number checks both read it from here.
"""

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_SPAN = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


@dataclass(frozen=True)
class RegionName:
    """One name a code carried, for the years ``start``..``end`` (None = open)."""

    name: str
    start: int | None
    end: int | None

    @property
    def current(self) -> bool:
        return self.end is None


@cache
def region_table() -> dict[str, tuple[RegionName, ...]]:
    """Map every 6-digit code ever issued to the names it carried over time."""
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    table: dict[str, tuple[RegionName, ...]] = {}
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split()[0]
            continue
        suffix, _, props = line.strip().partition(" ")
        value = props.split("=", 1)[1].strip('"')
        names = []
        for part in value.split(","):
            match = _SPAN.match(part)
            if match:
                start, end, name = match.groups()
                names.append(RegionName(name, _year(start), _year(end)))
            else:
                names.append(RegionName(part, None, None))
        table[province + suffix] = tuple(names)
    return table


def _year(text: str) -> int | None:
    return int(text) if text else None


def region_name(code: str, year: int | None = None) -> str | None:
    """The name of ``code`` in ``year`` (or its latest name); None if never issued."""
    names = region_table().get(code)
    if not names:
        return None
    if year is not None:
        for entry in names:
            if (entry.start is None or entry.start <= year) and (
                entry.end is None or year <= entry.end
            ):
                return entry.name
    return names[-1].name


def current_name(code: str) -> str | None:
    """The name of a code still in use today, or None."""
    for entry in region_table().get(code, ()):
        if entry.current:
            return entry.name
    return None
