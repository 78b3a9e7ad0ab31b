"""What the indicator tests compare a measure with: plain SQL over the raw tables, not the
apps' code, and the drill-down's arithmetic (本级 and the children add up to the total);
and what an app's figures page shows, read back from its HTML.

Imports no domain app, so any app's tests may use it without crossing the layers.
"""

from decimal import Decimal
from html.parser import HTMLParser

from django.db import connection

from gonghui.core.figures import FiguresPage
from gonghui.core.indicators import Indicator, Under
from gonghui.core.periods import Period
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import child_orgs

# The province, 驻马店, its 驿城区, and 洛阳 beside it.
LEVELS = ("410000/", "410000/411700/", "410000/411700/411702/", "410000/410300/")


def raw(sql: str, under: Under, *params: object) -> int:
    """One number from ``sql``, whose ``{org}`` becomes the org_path condition of ``under``
    (``LIKE`` the subtree, or ``=`` the org itself); ``params`` follow the path's."""
    condition, path = (
        ("org_path = %s", under.path) if under.own else ("org_path LIKE %s", under.path + "%")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("{org}", condition), [path, *params])
        return cursor.fetchone()[0] or 0


def between(period: Period) -> str:
    """``BETWEEN '…' AND '…'``: the period's days as SQL literals, both backends alike."""
    return f"BETWEEN '{period.start.isoformat()}' AND '{period.end.isoformat()}'"


def every_place(path: str) -> list[Under]:
    """The subtree of ``path`` and its own records only (本级)."""
    return [Under(path), Under(path, own=True)]


def parts(indicator: Indicator, path: str, period: Period) -> tuple[int, list[int]]:
    """The total under ``path`` and the drill-down's rows: 本级 first, then each child org."""
    rows = [indicator.measure(Under(path, own=True), period)] + [
        indicator.measure(Under(child.path), period)
        for child in child_orgs(Org.objects.get(path=path))
    ]
    return indicator.measure(Under(path), period), rows


class _Tables(HTMLParser):
    """Rows of ``_figures.html``'s tables: org code ("" for 合计) → column id → cell text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, dict[str, str]]] = []
        self.row: dict[str, str] | None = None
        self.column: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "table" and "data-table" in found:
            self.tables.append({})
        elif tag == "tr" and "data-org" in found and self.tables:
            self.row = self.tables[-1].setdefault(found["data-org"], {})
        elif tag == "td" and "data-column" in found and self.row is not None:
            self.column = found["data-column"]
            self.row[self.column] = ""

    def handle_data(self, data: str) -> None:
        if self.row is not None and self.column is not None:
            self.row[self.column] += data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.column = None
        elif tag == "tr":
            self.row = None


def page_tables(html: str) -> list[dict[str, dict[str, str]]]:
    """Each table of a figures page: {org code, "" for 合计: {column id: cell as shown}}; the
    本级 row carries the page's own org code, first."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def number(cell: str) -> Decimal:
    """A cell as shown (1,234 or 1,234.56) as a number."""
    return Decimal(cell.replace(",", ""))


def assert_rows_add_up(page: FiguresPage, html: str) -> None:
    """Every additive column: 本级 and the children add up to 合计 (distinct persons need not)."""
    for table, shown in zip(page.tables, page_tables(html), strict=True):
        rows = [cells for code, cells in shown.items() if code]
        for column in table.columns:
            if not column.distinct:
                added = sum(number(cells[column.id]) for cells in rows)
                assert added == number(shown[""][column.id]), (column.id, shown)
