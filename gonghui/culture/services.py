"""Every write to culture: plan an event, report it held (or cancel it), sign workers in
and add photos, register and edit a bookhouse and its monthly visits, run a reading
campaign and count its reads and shares.

``report_held`` is the one door by which an event enters the figures: it moves
a planned event to held with its audience and adds both to ``CultureDaily`` in
the same transaction, with an upsert that concurrent reports cannot lose.
``sign_in`` is the one door for attendees (staff list and import alike), keeping
``CultureDaily.attendances`` and ``CultureWorkerYear`` current the same way.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.audit.services import record_event
from gonghui.core.errors import DomainError
from gonghui.core.hours import format_hours, parse_hours
from gonghui.core.rollups import add_to_rollup
from gonghui.core.scoping import require_in_scope
from gonghui.core.uploads import read_upload, store_photo
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
    EventState,
    ReadingClient,
    ReadingDaily,
    ReadingSource,
)
from gonghui.members.models import Worker
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import county_path_of, org_ids_by_path

# Far above any real show (the province's biggest open-air evenings draw tens of thousands):
# a larger figure is a slipped digit, not an audience.
MAX_AUDIENCE = 200_000


@transaction.atomic
def plan_event(
    *,
    by: User,
    org: Org,
    kind: str,
    title: str,
    venue: str,
    starts_at: datetime.datetime,
    performers: str = "",
) -> Event:
    require_in_scope(by, "manage_programs", org.path)
    event = Event(
        org=org,
        org_path=org.path,
        kind=kind,
        title=title.strip(),
        venue=venue.strip(),
        starts_at=starts_at,
        day=timezone.localdate(starts_at),
        performers=performers.strip(),
        state=EventState.PLANNED,
    )
    event.full_clean()
    event.save()
    record_event(
        actor=by,
        action="create",
        object_type="culture_event",
        object_id=event.pk,
        org_path=org.path,
        after={"title": event.title, "kind": kind, "day": event.day.isoformat()},
    )
    return event


def bump(
    *,
    org_id: int,
    org_path: str,
    day: datetime.date,
    events: int = 0,
    audience: int = 0,
    attendances: int = 0,
) -> None:
    """Add to the daily rollup (an upsert SQLite and PostgreSQL both understand)."""
    add_to_rollup(
        CultureDaily,
        key={"org_id": org_id, "day": day},
        extra={"org_path": org_path},
        deltas={"events": events, "audience": audience, "attendances": attendances},
    )


@transaction.atomic
def report_held(*, by: User, event: Event, audience: int, estimated: bool = False) -> Event:
    """A planned event took place with ``audience`` person-times (an estimate if ``estimated``)."""
    require_in_scope(by, "manage_programs", event.org_path)
    if not 0 <= audience <= MAX_AUDIENCE:
        raise DomainError("bad_audience", f"观众人次应在0至{MAX_AUDIENCE}之间", field="audience")
    if event.day > timezone.localdate():
        raise DomainError(
            "not_yet", f"活动日期{event.day}还未到，不能登记为已举办", field="audience"
        )
    moved = Event.objects.filter(pk=event.pk, state=EventState.PLANNED).update(
        state=EventState.HELD, audience=audience, audience_estimated=estimated
    )
    if not moved:
        raise DomainError("not_planned", "只有计划中的活动可以登记为已举办")
    bump(org_id=event.org_id, org_path=event.org_path, day=event.day, events=1, audience=audience)
    record_event(
        actor=by,
        action="held",
        object_type="culture_event",
        object_id=event.pk,
        org_path=event.org_path,
        before={"state": EventState.PLANNED},
        after={"state": EventState.HELD, "audience": audience, "estimated": estimated},
    )
    event.refresh_from_db()
    return event


@transaction.atomic
def cancel_event(*, by: User, event: Event) -> Event:
    require_in_scope(by, "manage_programs", event.org_path)
    # Only a planned event can be cancelled, and sign-ins need a held one: no attendee
    # is ever left on a cancelled event.
    if not Event.objects.filter(pk=event.pk, state=EventState.PLANNED).update(
        state=EventState.CANCELLED
    ):
        raise DomainError("not_planned", "只有计划中的活动可以取消")
    record_event(
        actor=by,
        action="cancel",
        object_type="culture_event",
        object_id=event.pk,
        org_path=event.org_path,
        before={"state": EventState.PLANNED},
        after={"state": EventState.CANCELLED},
    )
    event.refresh_from_db()
    return event


def clean_opening_hours(text: str) -> str:
    """Opening hours in the stations' weekly form (``周一至周五 08:00-18:00；周六 09:00-17:00``),
    written back canonically; empty when not known. ``DomainError`` names the bad part."""
    text = text.strip()
    if not text:
        return ""
    try:
        return format_hours(parse_hours(text))
    except DomainError as exc:
        raise DomainError(exc.code, exc.message, field="opening_hours") from None


def _check_level(level: str, level_year: int | None) -> None:
    if level != BookhouseLevel.NONE and level_year is None:
        raise DomainError("year_required", "示范点须填写命名年份", field="level_year")


def _bookhouse_state(bookhouse: Bookhouse) -> dict:
    return {name: getattr(bookhouse, name) for name in BOOKHOUSE_FIELDS}


BOOKHOUSE_FIELDS = (
    "name",
    "host_kind",
    "level",
    "level_year",
    "holdings",
    "ebooks",
    "periodicals",
    "opening_hours",
)


@transaction.atomic
def add_bookhouse(
    *,
    by: User,
    org: Org,
    name: str,
    host_kind: str,
    level: str = BookhouseLevel.NONE,
    level_year: int | None = None,
    holdings: int = 0,
    ebooks: int = 0,
    periodicals: int = 0,
    opening_hours: str = "",
) -> Bookhouse:
    require_in_scope(by, "manage_programs", org.path)
    _check_level(level, level_year)
    bookhouse = Bookhouse(
        org=org,
        org_path=org.path,
        name=name.strip(),
        host_kind=host_kind,
        level=level,
        level_year=level_year if level != BookhouseLevel.NONE else None,
        holdings=holdings,
        ebooks=ebooks,
        periodicals=periodicals,
        opening_hours=clean_opening_hours(opening_hours),
    )
    bookhouse.full_clean()
    bookhouse.save()
    record_event(
        actor=by,
        action="create",
        object_type="bookhouse",
        object_id=bookhouse.pk,
        org_path=org.path,
        after=_bookhouse_state(bookhouse),
    )
    return bookhouse


@transaction.atomic
def update_bookhouse(*, by: User, bookhouse: Bookhouse, **changes) -> Bookhouse:
    """Change any of ``BOOKHOUSE_FIELDS`` (its org stays); audited with before and after."""
    require_in_scope(by, "manage_programs", bookhouse.org_path)
    unknown = set(changes) - set(BOOKHOUSE_FIELDS)
    if unknown:
        raise ValueError(f"not bookhouse fields: {sorted(unknown)}")
    before = _bookhouse_state(bookhouse)
    for name, value in changes.items():
        setattr(bookhouse, name, value.strip() if isinstance(value, str) else value)
    bookhouse.opening_hours = clean_opening_hours(bookhouse.opening_hours)
    _check_level(bookhouse.level, bookhouse.level_year)
    if bookhouse.level == BookhouseLevel.NONE:
        bookhouse.level_year = None
    bookhouse.full_clean()
    bookhouse.save()
    after = _bookhouse_state(bookhouse)
    if after != before:
        record_event(
            actor=by,
            action="update",
            object_type="bookhouse",
            object_id=bookhouse.pk,
            org_path=bookhouse.org_path,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return bookhouse


# A bookhouse is a room with a few thousand books; more readers a month than this is a typo.
MAX_MONTHLY_VISITS = 100_000


def check_visits(visits: int, month: datetime.date) -> None:
    """The rules a monthly figure obeys on every path (page and import)."""
    if not 0 <= visits <= MAX_MONTHLY_VISITS:
        raise DomainError("bad_visits", f"读者人次应在0至{MAX_MONTHLY_VISITS}之间", field="visits")
    if month > timezone.localdate().replace(day=1):
        raise DomainError(
            "future_month", f"{month:%Y年%m月}还未到，不能登记读者人次", field="month"
        )


@transaction.atomic
def record_visits(
    *, by: User, bookhouse: Bookhouse, month: datetime.date, visits: int, audit: bool = True
) -> str:
    """Set readers' visits (person-times) of ``bookhouse`` in ``month`` (any day in it).

    Replaces an earlier figure for the same month, so recording or importing it again is
    harmless. Returns ``created``, ``updated`` or ``unchanged``. ``audit=False`` is for an
    import, which audits the whole run once.
    """
    require_in_scope(by, "manage_programs", bookhouse.org_path)
    month = month.replace(day=1)
    check_visits(visits, month)
    row = BookhouseMonth.objects.filter(bookhouse=bookhouse, month=month).first()
    if row is not None and row.visits == visits:
        return "unchanged"
    before = None if row is None else row.visits
    if row is None:
        BookhouseMonth.objects.create(
            bookhouse=bookhouse, org_path=bookhouse.org_path, month=month, visits=visits
        )
    else:
        BookhouseMonth.objects.filter(pk=row.pk).update(visits=visits)
    if audit:
        record_event(
            actor=by,
            action="visits",
            object_type="bookhouse",
            object_id=bookhouse.pk,
            org_path=bookhouse.org_path,
            before={"month": f"{month:%Y-%m}", "visits": before},
            after={"month": f"{month:%Y-%m}", "visits": visits},
        )
    return "created" if row is None else "updated"


@transaction.atomic
def create_campaign(
    *,
    by: User,
    org: Org,
    name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    items: list[tuple[str, str]],
) -> Campaign:
    """A reading campaign with its items, given as (title, url)."""
    require_in_scope(by, "manage_programs", org.path)
    campaign = Campaign(
        org=org, org_path=org.path, name=name.strip(), starts_on=starts_on, ends_on=ends_on
    )
    campaign.full_clean()
    campaign.save()
    for title, url in items:
        item = ContentItem(campaign=campaign, title=title.strip(), url=url.strip())
        item.full_clean()
        item.save()
    record_event(
        actor=by,
        action="create",
        object_type="reading_campaign",
        object_id=campaign.pk,
        org_path=org.path,
        after={"name": campaign.name, "items": len(items)},
    )
    return campaign


def count_reading(*, item: ContentItem, org: Org, client: str, shared: bool = False) -> bool:
    """One read (or share) of ``item`` through ``org``'s tracking link, counted for today,
    once per ``client`` (``core.ratelimit.anonymous_client``), campaign and day: the counts
    feed published figures, so a client reloading the link does not raise them. Returns
    whether it counted.

    Only an org inside the campaign's subtree counts (a link naming another org is
    refused), and only while the campaign runs. Not audited per click: the counts are
    the record, kept with an upsert concurrent clicks cannot lose.
    """
    campaign = item.campaign
    today = timezone.localdate()
    if not org.path.startswith(campaign.org_path):
        raise DomainError("not_in_campaign", "该组织不在本次阅读活动范围内")
    if not campaign.starts_on <= today <= campaign.ends_on:
        raise DomainError("campaign_closed", f"“{campaign.name}”不在活动期内")
    column = "shares" if shared else "reads"
    table = ReadingDaily._meta.db_table
    seen = ReadingClient._meta.db_table
    day = connection.ops.adapt_datefield_value(today)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {seen} (campaign_id, day, client, shared) VALUES (%s, %s, %s, %s) "
            "ON CONFLICT DO NOTHING",
            [campaign.pk, day, client, shared],
        )
        if cursor.rowcount != 1:
            return False
        cursor.execute(f"DELETE FROM {seen} WHERE day < %s", [day])
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, item_id, source, org_id, org_path, day, reads, "
            "shares) VALUES (%s, %s, 'link', %s, %s, %s, 0, 0) "
            "ON CONFLICT (item_id, org_id, day) WHERE source = 'link' DO NOTHING",
            [campaign.pk, item.pk, org.pk, org.path, day],
        )
        cursor.execute(
            f"UPDATE {table} SET {column} = {column} + 1 "
            "WHERE item_id = %s AND org_id = %s AND day = %s AND source = 'link'",
            [item.pk, org.pk, day],
        )
    return True


@transaction.atomic
def record_imported_counts(
    *, campaign: Campaign, org_id: int, org_path: str, day: datetime.date, reads: int, shares: int
) -> str:
    """Set the imported reads and shares of ``campaign`` for one org and day (the platform's
    report for that day). Only the imported row is replaced; the tracking links' rows stay.
    Returns ``created``, ``updated`` or ``unchanged``. The caller (the import) checks scope
    and audits the run."""
    row = ReadingDaily.objects.filter(
        campaign=campaign, org_id=org_id, day=day, source=ReadingSource.IMPORT
    ).first()
    if row is None:
        ReadingDaily.objects.create(
            campaign=campaign,
            item=None,
            source=ReadingSource.IMPORT,
            org_id=org_id,
            org_path=org_path,
            day=day,
            reads=reads,
            shares=shares,
        )
        return "created"
    if (row.reads, row.shares) == (reads, shares):
        return "unchanged"
    ReadingDaily.objects.filter(pk=row.pk).update(reads=reads, shares=shares)
    return "updated"


# --- attendees and photos ------------------------------------------------------------------


def bump_attendance(*, event: Event, worker_id: int) -> None:
    """Add one signed-in attendance to both rollups (upserts concurrent sign-ins cannot lose)."""
    county_path = county_path_of(event.org_path)
    county_id = org_ids_by_path({county_path})[county_path]
    bump(org_id=event.org_id, org_path=event.org_path, day=event.day, attendances=1)
    add_to_rollup(
        CultureWorkerYear,
        key={"worker_id": worker_id, "year": event.day.year, "county_id": county_id},
        deltas={"attendances": 1},
        extra={"org_path": county_path},
    )


@dataclass
class SignIn:
    created: int = 0
    unchanged: int = 0


@transaction.atomic
def sign_in(
    *, by: User, event: Event, workers: list[Worker], channel: str, client_ip: str | None = None
) -> SignIn:
    """Sign registered ``workers`` in at a held event, one row each (person-times).

    The workers are found by the caller in ``by``'s scope. A worker already signed in is
    left as they are, so a sheet imported twice counts each person once. Audited once
    for the whole list.
    """
    require_in_scope(by, "manage_programs", event.org_path)
    event = Event.objects.get(pk=event.pk)
    if event.state != EventState.HELD:
        raise DomainError("not_held", "请先将活动登记为已举办，再登记签到")
    done = SignIn()
    # One event's sign-ins are a few thousand at most; a long ``IN`` list of a big sheet's
    # workers could pass SQLite's bound-parameter limit.
    already = set(EventAttendee.objects.filter(event=event).values_list("worker_id", flat=True))
    for worker in workers:
        if worker.pk in already:
            done.unchanged += 1
            continue
        already.add(worker.pk)
        EventAttendee.objects.create(
            event=event,
            worker=worker,
            org_path=event.org_path,
            day=event.day,
            channel=channel,
            signed_by=by,
        )
        bump_attendance(event=event, worker_id=worker.pk)
        done.created += 1
    if done.created:
        record_event(
            actor=by,
            action="sign_in",
            object_type="culture_event",
            object_id=event.pk,
            org_path=event.org_path,
            client_ip=client_ip,
            after={"channel": channel, "signed_in": done.created, "unchanged": done.unchanged},
        )
    return done


PHOTO_PURPOSE = EventPhoto.PURPOSE


@transaction.atomic
def add_photo(
    *, by: User, event: Event, filename: str, data: bytes, client_ip: str | None = None
) -> EventPhoto:
    """A JPEG or PNG of the event (judged by content: a PDF or anything else is refused)."""
    require_in_scope(by, "manage_programs", event.org_path)
    name = Path(filename).name[:200] or "照片"
    stored = store_photo(data, filename=name, folder=f"culture/{event.pk}", purpose=PHOTO_PURPOSE)
    photo = EventPhoto.objects.create(
        event=event, org_path=event.org_path, name=name, **stored.record_fields(by)
    )
    record_event(
        actor=by,
        action="upload",
        object_type="culture_event",
        object_id=event.pk,
        org_path=event.org_path,
        client_ip=client_ip,
        after={"photo": photo.pk, "name": name, "size": stored.size},
    )
    return photo


def photo_bytes(photo: EventPhoto) -> bytes:
    """A photo's clear bytes (the caller got ``photo`` through a scoped selector)."""
    return read_upload(photo.stored_as, purpose=PHOTO_PURPOSE)
