"""Figures by child org: the total under an org, its own records (本级) and each child
org's subtree, every child listed whether or not it did anything (an empty row is news).

The one computation behind the report card's table by child org and every app's figures
page, so an org shows the same numbers wherever it is asked. A record lies under exactly
one row, so person-times, counts and money of 本级 and the children add up to the total;
distinct persons are counted on each row and need not (a worker served in two counties
counts once above them). ``core`` knows no ``Org``: a place is anything with a ``path``,
handed back on its row for the caller's names and links.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from gonghui.core.indicators import Indicator, Under
from gonghui.core.periods import Period

OWN = "本级"


class Place(Protocol):
    @property
    def path(self) -> str: ...


P = TypeVar("P")  # what a row names: an Org, for the caller
Q = TypeVar("Q", bound=Place)


@dataclass(frozen=True)
class DrillRow(Generic[P]):
    """One line: a child org's subtree, or with ``own`` the org's own records (本级)."""

    place: P
    own: bool
    values: dict[str, int]


@dataclass(frozen=True)
class DrillDown(Generic[P]):
    """``total`` under ``place``; ``rows`` the 本级 row first, then each child in the order
    the caller gave them. Values by indicator id, in fen for money."""

    place: P
    period: Period
    total: dict[str, int]
    rows: list[DrillRow[P]]


def measure_all(indicators: Iterable[Indicator], under: Under, period: Period) -> dict[str, int]:
    """Each indicator's value ``under`` an org in ``period``, by id."""
    return {i.id: i.measure(under, period) for i in indicators}


def drill_down(
    indicators: Sequence[Indicator], place: Q, children: Iterable[Q], period: Period
) -> DrillDown[Q]:
    """The total under ``place``, its 本级 row and one row per child (each child's subtree);
    pass every child, active or not. Each row is measured on its own (``Under``), never
    derived from the others, so a distinct count is exact on every row."""
    own = DrillRow(place, True, measure_all(indicators, Under(place.path, own=True), period))
    rows = [own] + [
        DrillRow(child, False, measure_all(indicators, Under(child.path), period))
        for child in children
    ]
    return DrillDown(place, period, measure_all(indicators, Under(place.path), period), rows)
