"""Reads of culture, scoped to the acting user; figures from the rollup.

Events and bookhouses belong to the org that runs them: a user sees those of
their subtree. Bookhouses are a small registry (the province has a few
thousand), counted from their rows.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from gonghui.culture.models import (
    Bookhouse,
    BookhouseLevel,
    ContentItem,
    CultureDaily,
    Event,
    ReadingDaily,
)
from gonghui.orgs.selectors import child_orgs, org_by_code, org_by_path, org_for


def events_visible_to(user, *, month: datetime.date | None = None) -> QuerySet[Event]:
    """Events of the user's subtree; ``month`` (any day in it) narrows to that month."""
    events = Event.objects.visible_to(user).select_related("org")
    if month is not None:
        events = events.filter(day__year=month.year, day__month=month.month)
    return events


def event_for(user, pk: int) -> Event:
    try:
        return events_visible_to(user).get(pk=pk)
    except Event.DoesNotExist:
        raise Http404 from None


def bookhouses_visible_to(user) -> QuerySet[Bookhouse]:
    return Bookhouse.objects.visible_to(user).select_related("org")


@dataclass
class CultureFigures:
    org_code: str
    org_name: str
    events: int
    audience: int  # person-times
    bookhouses: dict[str, int]  # level label -> sites
    reads: int = 0
    shares: int = 0

    @property
    def province_or_above(self) -> int:
        """Demonstration sites at provincial level or above, as the report counts them."""
        names = dict(BookhouseLevel.choices)
        return sum(self.bookhouses.get(names[k], 0) for k in ("national", "province"))


def _figures(path: str, year: int | None) -> CultureFigures:
    org = org_by_path(path)
    daily = CultureDaily.objects.filter(org_path__startswith=path)
    daily = daily.filter(day__year=year) if year else daily
    sums = daily.aggregate(e=Sum("events"), a=Sum("audience"))
    names = dict(BookhouseLevel.choices)
    levels = (
        Bookhouse.objects.filter(org_path__startswith=path).values("level").annotate(n=Count("id"))
    )
    reading = ReadingDaily.objects.filter(org_path__startswith=path)
    reading = reading.filter(day__year=year) if year else reading
    counts = reading.aggregate(r=Sum("reads"), s=Sum("shares"))
    return CultureFigures(
        org_code=org.code, org_name=org.name, events=sums["e"] or 0, audience=sums["a"] or 0,
        bookhouses={names[row["level"]]: row["n"] for row in levels}, reads=counts["r"] or 0,
        shares=counts["s"] or 0,
    )  # fmt: skip


def culture_figures(user, *, org_code: str | None = None,
                    year: int | None = None) -> tuple[CultureFigures, list[CultureFigures]]:  # fmt: skip
    """Events held, audience person-times, bookhouses by level, reads and shares for the
    user's subtree (or ``org_code`` in it) and each child org; ``year`` narrows the events
    and the reading counts."""
    if not getattr(user, "scope_path", None):
        raise Http404
    path = org_for(user, org_code).path if org_code else user.scope_path
    children = [_figures(child.path, year) for child in child_orgs(org_by_path(path))]
    return _figures(path, year), [
        c for c in children if c.events or c.bookhouses or c.reads or c.shares
    ]


def tracked_item(item_id: int, org_code: str):
    """The item and the org a public tracking link names, or 404 (a public read)."""
    item = ContentItem.objects.select_related("campaign").filter(pk=item_id).first()
    org = org_by_code(org_code)
    if item is None or org is None:
        raise Http404
    return item, org
