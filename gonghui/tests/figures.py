"""What the indicator tests compare a measure with: plain SQL over the raw tables, not the
apps' code, and the drill-down's arithmetic (本级 and the children add up to the total).

Imports no domain app, so any app's tests may use it without crossing the layers.
"""

from django.db import connection

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
