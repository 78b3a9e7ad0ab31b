"""/api/culture: 五送 events (report held, sign workers in), bookhouses, reading campaigns
and figures; thin handlers over the culture selectors and services.

Everything is scoped to the caller's subtree: an event, bookhouse or campaign outside it
is 404 and lists leave it out. A refusal (not yet held, audience out of range, a role
that may not write) is the service's 4xx with its code and Chinese message. Workers
appear by registry id and masked name only, never with an ID number.
"""

import datetime

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from gonghui.core.errors import DomainError
from gonghui.core.schemas import ErrorOut, Id, NotFoundOut, Pagination, Year
from gonghui.core.views import client_ip
from gonghui.culture.models import AttendeeChannel, Bookhouse, Campaign, Event
from gonghui.culture.schemas import (
    BookhouseDetailOut,
    BookhouseOut,
    CampaignDetailOut,
    CampaignOut,
    EventDetailOut,
    EventOut,
    EventQuery,
    FiguresQuery,
    FiguresTreeOut,
    HeldIn,
    SignInIn,
    SignInOut,
)
from gonghui.culture.selectors import (
    attendees_of,
    bookhouse_for,
    bookhouse_months,
    bookhouses_visible_to,
    campaign_for,
    campaigns_visible_to,
    culture_figures,
    event_for,
    events_visible_to,
    items_of,
    photos_of,
    reading_by_item,
)
from gonghui.culture.services import report_held, sign_in
from gonghui.members.selectors import workers_visible_to

router = Router(tags=["文化活动"])
WRITE_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: NotFoundOut}


def _event_detail(user, event: Event) -> Event:
    event.signed = list(attendees_of(user, event))
    event.photo_ids = list(photos_of(user, event).values_list("id", flat=True))
    return event


@router.get(
    "/events", response=list[EventOut], url_name="culture_event_list", summary="文化活动列表"
)
@paginate(Pagination, max_limit=500)
def list_events(request: HttpRequest, query: Query[EventQuery]):
    """Events of the caller's subtree by start time; ``month`` (YYYY-MM), ``state`` and
    ``kind`` narrow them."""
    month = datetime.date.fromisoformat(f"{query.month}-01") if query.month else None
    return events_visible_to(
        request.auth, month=month, state=query.state or "", kind=query.kind or ""
    )


@router.get(
    "/events/{event_id}",
    response={200: EventDetailOut, 404: NotFoundOut},
    url_name="culture_event_detail",
    summary="文化活动详情",
)
def get_event(request: HttpRequest, event_id: Id):
    """An event with its audience, its signed-in workers (names masked) and photo ids."""
    user = request.auth
    return _event_detail(user, event_for(user, event_id))


@router.post(
    "/events/{event_id}/held",
    response={200: EventDetailOut, **WRITE_ERRORS},
    url_name="culture_event_held",
    summary="登记活动已举办及观众人次",
)
def post_held(request: HttpRequest, event_id: Id, payload: HeldIn):
    """A planned event took place with ``audience`` person-times (``estimated`` for an
    open-air show's estimate); it enters the figures now. Only once per event."""
    user = request.auth
    event = report_held(
        by=user,
        event=event_for(user, event_id),
        audience=payload.audience,
        estimated=payload.estimated,
    )
    return _event_detail(user, event)


def _workers(user, ids: list[int]) -> list:
    """The listed workers of the caller's subtree, in list order; ``DomainError`` names the
    ids that are not (nothing is signed in then)."""
    found = workers_visible_to(user).in_bulk(set(ids))
    missing = [str(pk) for pk in dict.fromkeys(ids) if pk not in found]
    if missing:
        raise DomainError(
            "unknown_worker",
            f"您管辖范围内的职工名册中没有编号为{'、'.join(missing[:20])}的职工",
            field="worker_ids",
        )
    return [found[pk] for pk in ids]


@router.post(
    "/events/{event_id}/attendees",
    response={200: SignInOut, **WRITE_ERRORS},
    url_name="culture_event_attendees",
    summary="登记签到职工",
)
def post_attendees(request: HttpRequest, event_id: Id, payload: SignInIn):
    """Sign workers (registry ids) in at a held event, all or none; a worker already signed
    in is left as they are, so sending the list again counts nobody twice."""
    user = request.auth
    event = event_for(user, event_id)
    done = sign_in(
        by=user,
        event=event,
        workers=_workers(user, payload.worker_ids),
        channel=AttendeeChannel.STAFF,
        client_ip=client_ip(request),
    )
    return {
        "created": done.created,
        "unchanged": done.unchanged,
        "attendances": attendees_of(user, event).count(),
    }


@router.get(
    "/bookhouses",
    response=list[BookhouseOut],
    url_name="culture_bookhouse_list",
    summary="职工书屋列表",
)
@paginate(Pagination, max_limit=500)
def list_bookhouses(request: HttpRequest, year: Year | None = None):
    """Bookhouses of the caller's subtree by name, each with its readers' visits in ``year``
    (every recorded month when not given)."""
    return bookhouses_visible_to(request.auth, year=year)


@router.get(
    "/bookhouses/{bookhouse_id}",
    response={200: BookhouseDetailOut, 404: NotFoundOut},
    url_name="culture_bookhouse_detail",
    summary="职工书屋详情",
)
def get_bookhouse(request: HttpRequest, bookhouse_id: Id) -> Bookhouse:
    """A bookhouse with its readers' visits per month, latest first."""
    user = request.auth
    bookhouse = bookhouse_for(user, bookhouse_id)
    bookhouse.month_rows = list(bookhouse_months(user, bookhouse))
    return bookhouse


@router.get(
    "/campaigns",
    response=list[CampaignOut],
    url_name="culture_campaign_list",
    summary="阅读活动列表",
)
@paginate(Pagination, max_limit=500)
def list_campaigns(request: HttpRequest):
    """Reading campaigns run in the caller's subtree, newest first, with reads and shares
    counted in the subtree."""
    return campaigns_visible_to(request.auth, totals=True).order_by("-starts_on", "-id")


@router.get(
    "/campaigns/{campaign_id}",
    response={200: CampaignDetailOut, 404: NotFoundOut},
    url_name="culture_campaign_detail",
    summary="阅读活动详情",
)
def get_campaign(request: HttpRequest, campaign_id: Id) -> Campaign:
    """A campaign's totals, its items with the reads and shares of their tracking links, and
    what the platforms' imported reports added."""
    user = request.auth
    campaign = campaign_for(user, campaign_id, totals=True)
    campaign.item_rows = list(items_of(campaign))
    campaign.by_item = reading_by_item(user, campaign)
    return campaign


@router.get(
    "/figures",
    response={200: FiguresTreeOut, 400: ErrorOut, 404: NotFoundOut},
    url_name="culture_figures",
    summary="文化活动统计",
)
def get_figures(request: HttpRequest, query: Query[FiguresQuery]):
    """Events held, audience, signed-in person-times and distinct attendees, bookhouses by
    level, visits, reads and shares for the caller's subtree (``org`` drills down) in
    ``year`` (and ``month``) or all time, with one line per child org that has any."""
    if query.month and not query.year:
        raise DomainError("month_without_year", "按月统计须同时给出年份", field="month")
    here, children = culture_figures(
        request.auth, org_code=query.org, year=query.year, month=query.month
    )
    return {
        **_figures_out(here),
        "year": query.year,
        "month": query.month,
        "children": [_figures_out(c) for c in children],
    }


def _figures_out(figures) -> dict:
    return {**vars(figures), "province_or_above": figures.province_or_above}
