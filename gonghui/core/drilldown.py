"""Figures by child org: the total under an org, its own records (本级) and each child
org's subtree, every child listed whether or not it did anything (an empty row is news).

The one computation behind the report card's table by child org and every app's figures
page, so an org shows the same numbers wherever it is asked. A record lies under exactly
one row, so person-times, counts and money of 本级 and the children add up to the total;
distinct persons are counted on each row and need not (a worker served in two counties
counts once above them). ``core`` knows no ``Org``: a place is anything with a ``path``,
handed back on its row for the caller's names and links.
"""

from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
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


Sums = TypeVar("Sums")
_computed: ContextVar[dict | None] = ContextVar("drill_down_computed", default=None)


def shared(compute: Callable[[Under, Period], Sums]) -> Callable[[Under, Period], Sums]:
    """For one aggregate several columns read (events, audience and attendances are one
    sum over a rollup): during a ``drill_down`` it runs once per row, not once per column.
    Outside one (the API, a single figure) it simply runs. Callers must not change what
    it returns."""

    @wraps(compute)
    def once(under: Under, period: Period) -> Sums:
        computed = _computed.get()
        if computed is None:
            return compute(under, period)
        key = (compute, under, period)
        if key not in computed:
            computed[key] = compute(under, period)
        return computed[key]

    return once


def measure_all(indicators: Iterable[Indicator], under: Under, period: Period) -> dict[str, int]:
    """Each indicator's value ``under`` an org in ``period``, by id; an aggregate several of
    them read (``shared``) runs once, as in a drill-down (inside one, its rows share it)."""
    token = _computed.set({}) if _computed.get() is None else None
    try:
        return {i.id: i.measure(under, period) for i in indicators}
    finally:
        if token is not None:
            _computed.reset(token)


def drill_down(
    indicators: Sequence[Indicator], place: Q, children: Iterable[Q], period: Period
) -> DrillDown[Q]:
    """The total under ``place``, its 本级 row and one row per child (each child's subtree);
    pass every child, active or not. Each row is measured on its own (``Under``), never
    derived from the others, so a distinct count is exact on every row."""
    token = _computed.set({})
    try:
        own = measure_all(indicators, Under(place.path, own=True), period)
        rows = [DrillRow(place, True, own)] + [
            DrillRow(child, False, measure_all(indicators, Under(child.path), period))
            for child in children
        ]
        total = measure_all(indicators, Under(place.path), period)
    finally:
        _computed.reset(token)
    return DrillDown(place, period, total, rows)
