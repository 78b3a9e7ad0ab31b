"""An app's figures page: its report-card indicators as tiles (as the province prints them,
and exact), then its tables by child org (本级, every child org, 合计) for the year or the
from–to dates asked; and the same tables as an Excel workbook.

An app declares what its page shows (``FiguresPage``) in its ``indicators`` module and
its view hands this module the drill-down (``drilldown.drill_down`` over the asked org
and its children), the same computation as the report card's, so the two agree to the
unit and keep one 本级 rule. Rendered by the partial ``_figures.html``.
"""

from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import urlencode
from openpyxl import Workbook

from gonghui.core.drilldown import OWN, DrillDown
from gonghui.core.errors import DomainError
from gonghui.core.indicators import Indicator
from gonghui.core.money import fen_to_yuan
from gonghui.core.periods import Period, period_asked
from gonghui.core.views import download_name, recent_years
from gonghui.core.workbook import add_sheet, new_workbook

DISTINCT_NOTE = (
    "标有“去重”的是人数：同一职工在多个下级组织接受服务时，在上级只计一次，"
    "故本级与各下级的人数之和可能大于合计；人次、数量与金额逐行相加等于合计。"
)


@dataclass(frozen=True)
class Table:
    """Columns shown side by side, one row per org; ``title`` heads the table."""

    title: str
    columns: tuple[Indicator, ...]


@dataclass(frozen=True)
class FiguresPage:
    """What an app's figures page shows: ``tiles`` (its card indicators), ``tables`` (those
    and the detail behind them, each column an ``Indicator`` measured row by row with the
    same ``Under`` and ``Period``), and ``notes`` saying how the app counts."""

    title: str
    tiles: tuple[Indicator, ...]
    tables: tuple[Table, ...]
    notes: tuple[str, ...] = ()

    @property
    def indicators(self) -> list[Indicator]:
        """Every figure the page measures, each once."""
        found: dict[str, Indicator] = {}
        for indicator in (*self.tiles, *(c for t in self.tables for c in t.columns)):
            found.setdefault(indicator.id, indicator)
        return list(found.values())


class NamedPlace(Protocol):
    @property
    def path(self) -> str: ...

    @property
    def code(self) -> str: ...

    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=NamedPlace)


def org_code_in(request: HttpRequest) -> str | None:
    """The ``?org=`` a page drills down to; None for the user's own org."""
    return (request.GET.get("org") or "").strip() or None


def period_in(request: HttpRequest) -> tuple[Period, str | None]:
    """The period of ``?year=`` or ``?from=&to=`` (this year when absent), and the refusal in
    words when the query was wrong: the page then shows this year under a notice."""
    query = request.GET
    try:
        return period_asked(query.get("year"), query.get("from"), query.get("to")), None
    except DomainError as err:
        return Period.year(timezone.localdate().year), err.message


def period_query(period: Period) -> dict[str, str]:
    """The query naming ``period``: its year, or its from–to dates."""
    whole = period.whole_years
    if whole and whole[0] == whole[1]:
        return {"year": str(whole[0])}
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


def row_label(place: NamedPlace, own: bool) -> str:
    return f"{OWN}（{place.name}）" if own else place.name


def header(column: Indicator) -> str:
    distinct = "，去重" if column.distinct else ""
    return f"{column.label}（{column.table_unit}{distinct}）"


def page_context(page: FiguresPage, drilled: DrillDown[N], problem: str | None = None) -> dict:
    """What ``_figures.html`` shows, as ``figures`` in the page's context."""
    period = drilled.period
    whole = period.whole_years
    year = whole[0] if whole and whole[0] == whole[1] else None
    years = list(recent_years())
    if year is not None and year not in years:
        years = sorted({*years, year}, reverse=True)

    def link(place: NamedPlace) -> str:
        return urlencode({"org": place.code, **period_query(period)})

    tables = [
        {
            "title": table.title,
            "header": [header(c) for c in table.columns],
            "rows": [
                {
                    "org": row.place,
                    "own": row.own,
                    "label": row_label(row.place, row.own),
                    "link": link(row.place),
                    "cells": [(c.id, c.plain(row.values[c.id])) for c in table.columns],
                }
                for row in drilled.rows
            ],
            "total": [(c.id, c.plain(drilled.total[c.id])) for c in table.columns],
        }
        for table in page.tables
    ]
    distinct = any(c.distinct for c in page.indicators)
    return {
        "title": page.title,
        "org": drilled.place,
        "period": period,
        "problem": problem,
        "year": year,
        "years": years,
        "query": link(drilled.place),
        "tiles": [
            {
                "indicator": i,
                "printed": i.printed(drilled.total[i.id]),
                "plain": i.plain(drilled.total[i.id]),
            }
            for i in page.tiles
        ],
        "tables": tables,
        "notes": [DISTINCT_NOTE, *page.notes] if distinct else list(page.notes),
    }


def figures_workbook(page: FiguresPage, drilled: DrillDown[N]) -> Workbook:
    """One sheet per table: 本级, every child org and 合计, money in yuan from exact fen."""
    book = new_workbook()
    period = str(drilled.period)
    for table in page.tables:
        columns = table.columns

        def cells(values: dict[str, int], columns: tuple[Indicator, ...] = columns) -> list:
            return [fen_to_yuan(values[c.id]) if c.money else values[c.id] for c in columns]

        rows = [
            [row.place.code, row_label(row.place, row.own), period, *cells(row.values)]
            for row in drilled.rows
        ]
        rows.append([None, "合计", period, *cells(drilled.total)])
        add_sheet(
            book,
            table.title,
            ["组织代码", "组织", "期间", *(header(c) for c in columns)],
            rows,
            money_columns=[4 + n for n, c in enumerate(columns) if c.money],
        )
    return book


def workbook_name(page: FiguresPage, drilled: DrillDown[N]) -> str:
    """The download's name: page, period, org and today (欠薪维权统计-2026年-411700-20260315.xlsx)."""
    return download_name(f"{page.title}-{drilled.period}", drilled.place.code, "xlsx")
