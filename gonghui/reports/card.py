"""The report card: every declared figure for one org and period, the province's
sentences that print them, and the same figures by child org.

The drill-down has one row per child org and a 本级 row for the org's own records, so
that person-times, counts and money add up to the total; distinct persons are counted
on each row and are not expected to add up (a worker served in two counties counts
once above them).
"""

import re
from dataclasses import dataclass, field
from types import ModuleType

from gonghui.accounts.models import User
from gonghui.accounts.selectors import org_asked_for
from gonghui.core.drilldown import OWN, drill_down, measure_all
from gonghui.core.indicators import Indicator, Under
from gonghui.core.money import FEN_PER_YUAN
from gonghui.core.periods import Period
from gonghui.culture import indicators as culture
from gonghui.mutualaid import indicators as mutualaid
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import child_orgs
from gonghui.programs import indicators as programs
from gonghui.rights import indicators as rights
from gonghui.stations import indicators as stations
from gonghui.training import indicators as training

# The modules in the order the province prints them; each holds LABEL, INDICATORS and
# SENTENCES.
MODULES: tuple[ModuleType, ...] = (programs, rights, mutualaid, stations, culture, training)
_PLACEHOLDER = re.compile(r"\{([\w.]+)\}")


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    value: int

    @property
    def printed(self) -> str:
        return self.indicator.printed(self.value)

    @property
    def plain(self) -> str:
        return self.indicator.plain(self.value)


@dataclass(frozen=True)
class Row:
    """One line of the drill-down: a child org, or the org itself (``own``, 本级)."""

    org: Org
    own: bool
    values: dict[str, int]

    @property
    def label(self) -> str:
        return f"{OWN}（{self.org.name}）" if self.own else self.org.name


@dataclass(frozen=True)
class Section:
    """One module of the card: its label, its figures and its sentences."""

    label: str
    figures: list[Figure]
    sentences: list[str]


@dataclass
class Card:
    org: Org
    period: Period
    figures: dict[str, Figure]
    rows: list[Row] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.org.name}{self.period}成绩单"

    def sections(self) -> list[Section]:
        return [
            Section(
                label=module.LABEL,
                figures=[self.figures[i.id] for i in module.INDICATORS],
                sentences=[self._sentence(template) for template in module.SENTENCES],
            )
            for module in MODULES
        ]

    def sentences(self) -> list[str]:
        """One sentence per service, in the province's words (帮助19.96万名农民工…)."""
        return [sentence for section in self.sections() for sentence in section.sentences]

    def _sentence(self, template: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self.figures[m[1]].printed, template)


def indicators() -> list[Indicator]:
    return [indicator for module in MODULES for indicator in module.INDICATORS]


@dataclass(frozen=True)
class MonthlySeries:
    """The figures a month can narrow, month by month (for the chart over months)."""

    months: list[str]  # 2026-03
    modules: list[dict]  # {"label", "series": [{"id", "label", "unit", "values"}]}


def monthly(user: User, *, period: Period, org_code: str | None = None) -> MonthlySeries:
    """Each additive ``by_month`` figure per calendar month of ``period`` (money in fen, with
    ``per_unit`` 100 fen to the yuan the chart shows); distinct persons are left out (a
    month's persons do not add up to the year's)."""
    org = org_asked_for(user, org_code)
    months = period.months()
    modules = []
    for module in MODULES:
        series = [
            {
                "id": i.id,
                "label": i.label,
                "unit": i.table_unit,
                "per_unit": FEN_PER_YUAN if i.money else 1,
                "values": [i.measure(Under(org.path), month) for month in months],
            }
            for i in module.INDICATORS
            if i.by_month and not i.distinct
        ]
        if series:
            modules.append({"label": module.LABEL, "series": series})
    return MonthlySeries([f"{m.start:%Y-%m}" for m in months], modules)


def report_card(
    user: User, *, period: Period, org_code: str | None = None, by_child: bool = False
) -> Card:
    """The card of the user's org (or ``org_code`` inside the user's subtree) for ``period``;
    ``by_child`` adds the 本级 row and one row per child org, every child listed whether
    or not it did anything (an empty row is news too)."""
    org = org_asked_for(user, org_code)
    rows: list[Row] = []
    if by_child:
        drilled = drill_down(indicators(), org, child_orgs(org), period)
        totals = drilled.total
        rows = [Row(row.place, row.own, row.values) for row in drilled.rows]
    else:
        totals = measure_all(indicators(), Under(org.path), period)
    return Card(
        org=org,
        period=period,
        figures={i.id: Figure(i, totals[i.id]) for i in indicators()},
        rows=rows,
    )
