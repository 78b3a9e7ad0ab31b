"""Every write to culture: plan an event, report it held (or cancel it), register a
bookhouse, run a reading campaign and count its reads and shares.

``report_held`` is the one door by which an event enters the figures: it moves
a planned event to held with its audience and adds both to ``CultureDaily`` in
the same transaction, with an upsert that concurrent reports cannot lose.
"""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from gonghui.audit.services import record_event
from gonghui.core.errors import DomainError
from gonghui.culture.models import (
    Bookhouse,
    BookhouseLevel,
    Campaign,
    ContentItem,
    CultureDaily,
    Event,
    EventState,
    ReadingDaily,
)
from gonghui.training.services import require_in_scope

_DAILY = CultureDaily._meta.db_table
# Far above any real show (the province's biggest open-air evenings draw tens of thousands):
# a larger figure is a slipped digit, not an audience.
MAX_AUDIENCE = 200_000


@transaction.atomic
def plan_event(*, by, org, kind: str, title: str, venue: str, starts_at: datetime.datetime,
               performers: str = "") -> Event:  # fmt: skip
    require_in_scope(by, "manage_programs", org.path)
    event = Event(
        org=org, org_path=org.path, kind=kind, title=title.strip(), venue=venue.strip(),
        starts_at=starts_at, day=timezone.localdate(starts_at), performers=performers.strip(),
        state=EventState.PLANNED,
    )  # fmt: skip
    event.full_clean()
    event.save()
    record_event(
        actor=by, action="create", object_type="culture_event", object_id=event.pk,
        org_path=org.path, after={"title": event.title, "kind": kind, "day": event.day.isoformat()},
    )  # fmt: skip
    return event


def bump(*, org_id: int, org_path: str, day: datetime.date, events: int, audience: int) -> None:
    """Add to the daily rollup (an upsert SQLite and PostgreSQL both understand)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_DAILY} (org_id, org_path, day, events, audience) "
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (org_id, day) DO UPDATE SET "
            f"events = {_DAILY}.events + excluded.events, "
            f"audience = {_DAILY}.audience + excluded.audience",
            [org_id, org_path, connection.ops.adapt_datefield_value(day), events, audience],
        )


@transaction.atomic
def report_held(*, by, event: Event, audience: int, estimated: bool = False) -> Event:
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
        actor=by, action="held", object_type="culture_event", object_id=event.pk,
        org_path=event.org_path, before={"state": EventState.PLANNED},
        after={"state": EventState.HELD, "audience": audience, "estimated": estimated},
    )  # fmt: skip
    event.refresh_from_db()
    return event


@transaction.atomic
def cancel_event(*, by, event: Event) -> Event:
    require_in_scope(by, "manage_programs", event.org_path)
    if not Event.objects.filter(pk=event.pk, state=EventState.PLANNED).update(
        state=EventState.CANCELLED
    ):
        raise DomainError("not_planned", "只有计划中的活动可以取消")
    record_event(
        actor=by, action="cancel", object_type="culture_event", object_id=event.pk,
        org_path=event.org_path, before={"state": EventState.PLANNED},
        after={"state": EventState.CANCELLED},
    )  # fmt: skip
    event.refresh_from_db()
    return event


@transaction.atomic
def add_bookhouse(*, by, org, name: str, host_kind: str, level: str = BookhouseLevel.NONE,
                  level_year: int | None = None, holdings: int = 0,
                  opening_hours: str = "") -> Bookhouse:  # fmt: skip
    require_in_scope(by, "manage_programs", org.path)
    bookhouse = Bookhouse(
        org=org, org_path=org.path, name=name.strip(), host_kind=host_kind, level=level,
        level_year=level_year, holdings=holdings, opening_hours=opening_hours.strip(),
    )  # fmt: skip
    if level != BookhouseLevel.NONE and level_year is None:
        raise DomainError("year_required", "示范点须填写命名年份", field="level_year")
    bookhouse.full_clean()
    bookhouse.save()
    record_event(
        actor=by, action="create", object_type="bookhouse", object_id=bookhouse.pk,
        org_path=org.path, after={"name": bookhouse.name, "level": level, "year": level_year},
    )  # fmt: skip
    return bookhouse


@transaction.atomic
def create_campaign(*, by, org, name: str, starts_on: datetime.date, ends_on: datetime.date,
                    items: list[tuple[str, str]]) -> Campaign:  # fmt: skip
    """A reading campaign with its items, given as (title, url)."""
    require_in_scope(by, "manage_programs", org.path)
    campaign = Campaign(org=org, org_path=org.path, name=name.strip(), starts_on=starts_on,
                        ends_on=ends_on)  # fmt: skip
    campaign.full_clean()
    campaign.save()
    for title, url in items:
        item = ContentItem(campaign=campaign, title=title.strip(), url=url.strip())
        item.full_clean()
        item.save()
    record_event(
        actor=by, action="create", object_type="reading_campaign", object_id=campaign.pk,
        org_path=org.path, after={"name": campaign.name, "items": len(items)},
    )  # fmt: skip
    return campaign


def count_reading(*, item: ContentItem, org, shared: bool = False) -> None:
    """One read (or share) of ``item`` through ``org``'s tracking link, counted for today.

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
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (item_id, org_id, org_path, day, reads, shares) "
            f"VALUES (%s, %s, %s, %s, 0, 0) ON CONFLICT (item_id, org_id, day) DO NOTHING",
            [item.pk, org.pk, org.path, connection.ops.adapt_datefield_value(today)],
        )
        cursor.execute(
            f"UPDATE {table} SET {column} = {column} + 1 "
            "WHERE item_id = %s AND org_id = %s AND day = %s",
            [item.pk, org.pk, connection.ops.adapt_datefield_value(today)],
        )
