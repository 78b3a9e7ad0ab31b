"""A published figure of the report card, as a domain app declares it.

Each domain app lists its ``INDICATORS`` and the ``SENTENCES`` the province prints them
in, in its own ``indicators`` module; ``reports`` reads those declarations, and no
domain app imports ``reports``. A measure takes an org path and a year and reads the
app's rollups (raw rows only below county level, for distinct persons), so a figure
is the same whichever level asks and is never added up from the children when it
counts distinct persons.
"""

from collections.abc import Callable
from dataclasses import dataclass

from gonghui.core.money import chinese_units, chinese_units_at_least, fen_to_yuan


@dataclass(frozen=True)
class Indicator:
    """One figure: ``measure(org path, year)`` is a count, or fen when ``money``.

    ``distinct`` marks distinct persons: exact at every level, and a child list of
    them need not add up to the total (a worker served in two counties counts once
    above them). ``at_least`` prints the figure cut, with 余 (870余万人次)."""

    id: str
    label: str
    unit: str
    measure: Callable[[str, int], int]
    places: int = 2
    distinct: bool = False
    money: bool = False
    at_least: bool = False

    def printed(self, value: int) -> str:
        amount = fen_to_yuan(value) if self.money else value
        if self.at_least:
            return chinese_units_at_least(amount, places=self.places, unit=self.unit)
        return chinese_units(amount, places=self.places, unit=self.unit)
