"""The report card: every declared figure for one org and year, and the province's
sentences that print them."""

import re
from dataclasses import dataclass

from gonghui.accounts.models import User
from gonghui.accounts.selectors import org_asked_for
from gonghui.core.indicators import Indicator
from gonghui.mutualaid import indicators as mutualaid
from gonghui.orgs.models import Org
from gonghui.rights import indicators as rights

# The modules in the order the province prints them.
MODULES = (rights, mutualaid)
_PLACEHOLDER = re.compile(r"\{([\w.]+)\}")


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    value: int

    @property
    def printed(self) -> str:
        return self.indicator.printed(self.value)


@dataclass(frozen=True)
class Card:
    org: Org
    year: int
    figures: dict[str, Figure]

    def sentences(self) -> list[str]:
        """One sentence per service, in the province's words (帮助19.96万名农民工…)."""
        return [
            _PLACEHOLDER.sub(lambda m: self.figures[m[1]].printed, template)
            for module in MODULES
            for template in module.SENTENCES
        ]


def indicators() -> list[Indicator]:
    return [indicator for module in MODULES for indicator in module.INDICATORS]


def report_card(user: User, *, year: int, org_code: str | None = None) -> Card:
    """The card of the user's org (or ``org_code`` inside the user's subtree) for ``year``."""
    org = org_asked_for(user, org_code)
    figures = {i.id: Figure(i, i.measure(org.path, year)) for i in indicators()}
    return Card(org=org, year=year, figures=figures)
