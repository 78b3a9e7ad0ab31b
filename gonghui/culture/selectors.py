"""Reads of culture, scoped to the acting user; figures from the rollup.

Events and bookhouses belong to the org that runs them: a user sees those of
their subtree. Bookhouses are a small registry (the province has a few
thousand), counted from their rows. The report card's measures take an org path and a
period, no user (``Under``, ``Period``); the figures page sums through the same functions.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.drilldown import shared
from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.core.rollups import distinct_workers
from gonghui.core.story import StoryLine
from gonghui.culture.models import (
    Bookhouse,
    BookhouseLevel,
    BookhouseMonth,
    Campaign,
    ContentItem,
    CultureDaily,
    CultureWorkerYear,
    Event,
    EventAttendee,
    EventPhoto,
    ReadingDaily,
)
from gonghui.members.models import Worker
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import child_orgs, org_by_code, org_by_path, org_for


def events_visible_to(
    user: User, *, month: datetime.date | None = None, state: str = "", kind: str = ""
) -> QuerySet[Event]:
    """Events of the user's subtree; ``month`` (any day in it) narrows to that month,
    ``state`` and ``kind`` (their codes) to those."""
    events = Event.objects.visible_to(user).select_related("org")
    if month is not None:
        events = events.filter(day__year=month.year, day__month=month.month)
    if state:
        events = events.filter(state=state)
    if kind:
        events = events.filter(kind=kind)
    return events


def event_for(user: User, pk: int) -> Event:
    try:
        return events_visible_to(user).get(pk=pk)
    except Event.DoesNotExist:
        raise Http404 from None


def attendees_of(user: User, event: Event) -> QuerySet[EventAttendee]:
    """The workers signed in at ``event`` (one the user already holds), in sign-in order."""
    return (
        EventAttendee.objects.visible_to(user)
        .filter(event=event)
        .select_related("worker", "worker__org")
    )


def photos_of(user: User, event: Event) -> QuerySet[EventPhoto]:
    return EventPhoto.objects.visible_to(user).filter(event=event)


def photo_for(user: User, pk: int) -> EventPhoto:
    try:
        return EventPhoto.objects.visible_to(user).get(pk=pk)
    except EventPhoto.DoesNotExist:
        raise Http404 from None


def bookhouses_visible_to(user: User, *, year: int | None = None) -> QuerySet[Bookhouse]:
    """Bookhouses of the user's subtree, each with ``visits``: readers' visits in ``year``
    (all recorded months when None)."""
    months = Q(months__month__year=year) if year else Q()
    return (
        Bookhouse.objects.visible_to(user)
        .select_related("org")
        .annotate(visits=Sum("months__visits", filter=months, default=0))
    )


def bookhouse_for(user: User, pk: int) -> Bookhouse:
    try:
        return bookhouses_visible_to(user).get(pk=pk)
    except Bookhouse.DoesNotExist:
        raise Http404 from None


def bookhouse_months(user: User, bookhouse: Bookhouse) -> QuerySet[BookhouseMonth]:
    return BookhouseMonth.objects.visible_to(user).filter(bookhouse=bookhouse)


def bookhouse_named(user: User, *, org_code: str, name: str) -> Bookhouse | None:
    """The bookhouse an import row names by its org's code and its name, in the user's scope."""
    return (
        Bookhouse.objects.visible_to(user)
        .filter(org__code=org_code.strip(), name=name.strip())
        .first()
    )


def campaigns_visible_to(user: User, *, totals: bool = False) -> QuerySet[Campaign]:
    """Campaigns run in the user's subtree; ``totals`` adds ``reads`` and ``shares``, every
    source (tracking links and imported reports) and day added up, in one statement."""
    campaigns = Campaign.objects.visible_to(user).select_related("org")
    if not totals:
        return campaigns
    counts = ReadingDaily.objects.visible_to(user).filter(campaign=OuterRef("pk")).order_by()
    per_campaign = counts.values("campaign")
    return campaigns.annotate(
        reads=Subquery(per_campaign.annotate(n=Sum("reads")).values("n")[:1]),
        shares=Subquery(per_campaign.annotate(n=Sum("shares")).values("n")[:1]),
    )


def campaign_for(user: User, pk: int, *, totals: bool = False) -> Campaign:
    try:
        return campaigns_visible_to(user, totals=totals).get(pk=pk)
    except Campaign.DoesNotExist:
        raise Http404 from None


def reading_by_item(user: User, campaign: Campaign) -> dict[int | None, tuple[int, int]]:
    """(reads, shares) of ``campaign`` in the user's subtree per content item through its
    tracking links, and under ``None`` from imported platform reports (which count the
    campaign as a whole)."""
    rows = (
        ReadingDaily.objects.visible_to(user)
        .filter(campaign=campaign)
        .order_by()
        .values("item_id")
        .annotate(r=Sum("reads"), s=Sum("shares"))
    )
    return {row["item_id"]: (row["r"], row["s"]) for row in rows}


def items_of(campaign: Campaign) -> QuerySet[ContentItem]:
    """The content items of a campaign the caller already holds, in the order they were added."""
    return ContentItem.objects.filter(campaign=campaign).order_by("id")


# A figure asked for all time: the years a Period may span.
# The demonstration levels the province reports (省级及以上示范点).
PROVINCE_OR_ABOVE = (BookhouseLevel.NATIONAL, BookhouseLevel.PROVINCE)


@dataclass
class CultureFigures:
    org_code: str
    org_name: str
    events: int
    audience: int  # person-times, as reported (often estimated)
    attendances: int  # signed-in workers, person-times
    attendees: int  # distinct signed-in workers
    bookhouses: dict[str, int]  # level label -> sites
    visits: int = 0  # bookhouse readers, person-times
    reads: int = 0
    shares: int = 0

    @property
    def province_or_above(self) -> int:
        """Demonstration sites at provincial level or above, as the report counts them."""
        names = dict(BookhouseLevel.choices)
        return sum(self.bookhouses.get(names[level], 0) for level in PROVINCE_OR_ABOVE)

    @property
    def any(self) -> bool:
        return bool(
            self.events
            or self.attendances
            or self.bookhouses
            or self.visits
            or self.reads
            or self.shares
        )


@shared
def daily_sums(under: Under, period: Period) -> dict[str, int]:
    """Events held, their audience and signed-in attendances (person-times) ``under`` an org
    on the event days of ``period``, from ``CultureDaily``: additive, so the 本级 row and the
    children add up to the total."""
    rows = CultureDaily.objects.filter(**under.filter(), **period.dates("day"))
    return rows.aggregate(**{c: Sum(c, default=0) for c in ("events", "audience", "attendances")})


def events_held(under: Under, period: Period) -> int:
    """Events reported held, counted on the event's day."""
    return daily_sums(under, period)["events"]


def audience_reached(under: Under, period: Period) -> int:
    """The audience of the events held, person-times as reported (often estimated)."""
    return daily_sums(under, period)["audience"]


@shared
def reading_sums(under: Under, period: Period) -> dict[str, int]:
    """Reads and shares of the reading campaigns ``under`` an org on the days of ``period``,
    every source (tracking links and imported platform reports) added up."""
    rows = ReadingDaily.objects.filter(**under.filter(), **period.dates("day"))
    return rows.aggregate(reads=Sum("reads", default=0), shares=Sum("shares", default=0))


def reading_shares(under: Under, period: Period) -> int:
    """Shares of the reading campaigns (转发传播)."""
    return reading_sums(under, period)["shares"]


def demonstration_bookhouses(under: Under, period: Period) -> int:
    """Bookhouses named demonstration sites at provincial level or above, the registry as it
    stands at the end of ``period``: a site counts from the year it was named.

    The registry keeps only the current level and the year of naming, not the day: a
    period ending on 31 December counts the sites named up to that year; one ending earlier
    in a year counts only those named in the years before, since a site named that year may
    have been named after the period's end, and a published figure should not count it.
    ``level_year`` is never empty at these levels (a check constraint). A site raised from
    provincial to national level carries its new year, so a figure for the years between
    misses it: the registry holds no history of levels."""
    end = period.end
    last_year = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    return Bookhouse.objects.filter(
        **under.filter(), level__in=PROVINCE_OR_ABOVE, level_year__lte=last_year
    ).count()


def attendances_in(under: Under, period: Period) -> int:
    """Signed-in attendances (person-times) of registered workers at the events held."""
    return daily_sums(under, period)["attendances"]


def attendees(under: Under, period: Period) -> int:
    """Distinct registered workers signed in at the events held (exact at any level)."""
    return distinct_workers(
        under,
        period,
        per_county=CultureWorkerYear.objects.all(),
        raw=EventAttendee.objects.all(),
        raw_date="day",
    )


def reading_reads(under: Under, period: Period) -> int:
    """Reads of the reading campaigns' items."""
    return reading_sums(under, period)["reads"]


def bookhouse_visits(under: Under, period: Period) -> int:
    """Readers' visits (person-times) to the bookhouses, of the months whose first day lies
    in ``period`` (bookhouses record visits by month)."""
    months = BookhouseMonth.objects.filter(**under.filter(), **period.dates("month"))
    return months.aggregate(v=Sum("visits", default=0))["v"]


def bookhouses_at(level: str) -> Callable[[Under, Period], int]:
    """A measure: the bookhouses of one demonstration ``level`` in the registry as it stands
    now, which ``period`` does not narrow (the registry holds no history of levels)."""

    def measure(under: Under, period: Period) -> int:
        return Bookhouse.objects.filter(**under.filter(), level=level).count()

    return measure


def _figures(path: str, period: Period) -> CultureFigures:
    org, under = org_by_path(path), Under(path)
    sums = daily_sums(under, period)
    names = dict(BookhouseLevel.choices)
    levels = (
        Bookhouse.objects.filter(org_path__subtree=path).values("level").annotate(n=Count("id"))
    )
    reading = reading_sums(under, period)
    return CultureFigures(
        org_code=org.code,
        org_name=org.name,
        events=sums["events"],
        audience=sums["audience"],
        attendances=sums["attendances"],
        attendees=attendees(under, period),
        bookhouses={names[row["level"]]: row["n"] for row in levels},
        visits=bookhouse_visits(under, period),
        reads=reading["reads"],
        shares=reading["shares"],
    )


def culture_figures(
    user: User, *, org_code: str | None = None, year: int | None = None, month: int | None = None
) -> tuple[CultureFigures, list[CultureFigures]]:
    """Events held, audience person-times, signed-in attendances and distinct attendees,
    bookhouses by level (the registry as it stands), bookhouse visits, reads and shares for
    the user's subtree (or ``org_code`` in it) and each child org with any of them;
    ``year`` (and ``month`` in it) narrows everything but the bookhouse registry.
    Distinct attendees are counted at each level, never added up from the children."""
    scope = user.scope_path
    if not scope:
        raise Http404
    if year is None:
        period = Period.all_time()
    else:
        period = Period.month(year, month) if month else Period.year(year)
    path = org_for(user, org_code).path if org_code else scope
    children = [_figures(child.path, period) for child in child_orgs(org_by_path(path))]
    return _figures(path, period), [c for c in children if c.any]


def tracked_item(item_id: int, org_code: str) -> tuple[ContentItem, Org]:
    """The item and the org a public tracking link names, or 404 (a public read)."""
    item = ContentItem.objects.select_related("campaign").filter(pk=item_id).first()
    org = org_by_code(org_code)
    if item is None or org is None:
        raise Http404
    return item, org


def story_of(user: User, worker: Worker) -> list[StoryLine]:
    """The events the worker signed in at, in the user's subtree."""
    return [
        StoryLine(
            a.day,
            "文化服务",
            f"参加活动“{a.event.title}”",
            reverse("culture:event_detail", args=[a.event_id]),
        )
        for a in EventAttendee.objects.visible_to(user)
        .filter(worker=worker)
        .select_related("event")
        .order_by("day", "pk")
    ]
