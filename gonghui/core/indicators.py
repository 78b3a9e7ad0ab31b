"""A published figure of the report card, as a domain app declares it.

Each domain app lists its ``INDICATORS`` and the ``SENTENCES`` the province prints them
in, in its own ``indicators`` module; ``reports`` reads those declarations, and no
domain app imports ``reports``. A measure takes where (``Under``: an org's subtree, or
its own records only, the 本级 row of a drill-down) and when (``Period``) and reads the
app's rollups (raw rows only below county level or for part of a year, for distinct
persons), so a figure is the same whichever level asks and is never added up from the
children when it counts distinct persons.
"""

from collections.abc import Callable
from dataclasses import dataclass

from gonghui.core.money import chinese_units, chinese_units_at_least, fen_to_yuan, yuan_text
from gonghui.core.periods import Period


@dataclass(frozen=True)
class Under:
    """Where a figure counts: every record under the org ``path``, or with ``own`` only
    the org's own records (本级), which with its children's add up to the whole."""

    path: str
    own: bool = False

    def filter(self, field: str = "org_path") -> dict:
        return {field: self.path} if self.own else {f"{field}__subtree": self.path}


@dataclass(frozen=True)
class Indicator:
    """One figure: ``measure(under, period)`` is a count, or fen when ``money``.

    ``distinct`` marks distinct persons: exact at every level, and a child list of
    them need not add up to the total (a worker served in two counties counts once
    above them). ``at_least`` prints the figure cut, with 余 (870余万人次), and ``words``
    a single digit in characters (两万余人次). ``places`` is the decimals of 万/亿, or below
    zero whole digits of them (-1: tens of 万, 840余万人).
    ``by_month`` is False for a figure a month cannot narrow (a plan year, a registry, a
    snapshot), which the monthly chart leaves out."""

    id: str
    label: str
    unit: str
    measure: Callable[[Under, Period], int]
    places: int = 2
    distinct: bool = False
    money: bool = False
    at_least: bool = False
    words: bool = False
    by_month: bool = True

    def printed(self, value: int) -> str:
        """In the province's style: 17.13亿元, 870余万人次, 两万余人次."""
        amount = fen_to_yuan(value) if self.money else value
        if self.at_least:
            return chinese_units_at_least(
                amount, places=self.places, unit=self.unit, words=self.words
            )
        return chinese_units(amount, places=self.places, unit=self.unit)

    def plain(self, value: int) -> str:
        """In full, for a table a reader adds up: 1,234 or 1,234.56 (yuan)."""
        return yuan_text(value) if self.money else f"{value:,}"

    @property
    def table_unit(self) -> str:
        """The unit of ``plain``: yuan for money, else the printed unit (名, 人次, 个)."""
        return "元" if self.money else self.unit
