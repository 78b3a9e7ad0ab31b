"""Every write to stations: the registry (one upsert door), ratings, photos, closures, visits.

``save_station`` is the one door for a station's fields, used by the console,
the importer and the API alike; a station is the same station when its org and
name match, so saving the same values again changes nothing (and says so).
``record_visit`` relies on the database's unique constraint for "one visit per
worker per station per hour" and keeps the per-day rollup and the audit log in
the same transaction, whoever records it: staff (a head count, a union card
scanned) or the worker scanning the station's own QR code (``record_worker_visit``).
"""

import datetime
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.audit.services import record_event
from gonghui.core.coords import Crs, from_wgs84, to_wgs84
from gonghui.core.errors import DomainError
from gonghui.core.hours import Hours, format_hours
from gonghui.core.portal import WorkerActor
from gonghui.core.scoping import require_in_scope
from gonghui.core.uploads import delete_upload, read_upload, store_photo
from gonghui.members.cards import read_card_token
from gonghui.members.models import Worker
from gonghui.members.selectors import mask_name, worker_for_service
from gonghui.orgs.models import Org
from gonghui.stations import rollups
from gonghui.stations.models import (
    HostKind,
    Rating,
    Station,
    StationClosure,
    StationDaily,
    StationPhoto,
    StationRating,
    Status,
    Visit,
    VisitChannel,
)
from gonghui.stations.search_index import stations_changed

# Station phones are public numbers: landlines with area codes and extensions too.
_PHONE = re.compile(r"^[0-9+\-() 转]{5,40}$")
_COORD_DIGITS = 7  # about 1 cm: finer than any map or phone can tell
MAX_HEADCOUNT = 1000

# Which permission runs stations: those who set up programs set up stations too.
MANAGE = "manage_programs"
RECORD = "record_services"


class VisitRefused(DomainError):
    status = 409


REFUSED = "无权管理该组织的驿站"


@dataclass(frozen=True)
class StationFields:
    """What staff give for a station; ``lat``/``lng`` are in ``crs``."""

    name: str
    address: str
    lat: float
    lng: float
    crs: Crs
    hours: Hours
    facilities: int = 0
    facilities_other: str = ""
    phone: str = ""
    status: str = Status.OPEN
    opened_on: datetime.date | None = None
    # None keeps what the station has (the import template has no host columns, a sheet
    # may have no 类型); a new station then gets the model's default.
    host_kind: str | None = None
    host_name: str | None = None
    kinds: int | None = None


def _plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def clean_fields(fields: StationFields) -> dict:
    """The model's column values for ``fields``, or DomainError naming the field."""
    name, address = _plain(fields.name), _plain(fields.address)
    if not name:
        raise DomainError("name_required", "驿站名称不能为空", field="name")
    if len(name) > 100:
        raise DomainError("name_too_long", "驿站名称不能超过100个字", field="name")
    if not address:
        raise DomainError("address_required", "地址不能为空", field="address")
    if len(address) > 200:
        raise DomainError("address_too_long", "地址不能超过200个字", field="address")
    phone = _plain(fields.phone)
    if phone and not _PHONE.match(phone):
        raise DomainError("bad_phone", f"联系电话“{fields.phone}”格式不正确", field="phone")
    if fields.status not in Status.values:
        raise DomainError("bad_status", f"状态“{fields.status}”无效", field="status")
    if fields.host_kind is not None and fields.host_kind not in HostKind.values:
        raise DomainError(
            "bad_host_kind", f"依托单位类型“{fields.host_kind}”无效", field="host_kind"
        )
    if fields.opened_on and fields.opened_on > timezone.localdate():
        raise DomainError("opened_later", f"启用日期{fields.opened_on}晚于今天", field="opened_on")
    lat, lng = to_wgs84(fields.lat, fields.lng, fields.crs)
    lat, lng = round(lat, _COORD_DIGITS), round(lng, _COORD_DIGITS)
    gcj_lat, gcj_lng = from_wgs84(lat, lng, Crs.GCJ02)
    bd_lat, bd_lng = from_wgs84(lat, lng, Crs.BD09)
    return {
        "name": name,
        "address": address,
        "phone": phone,
        "status": fields.status,
        "lat": lat,
        "lng": lng,
        "input_crs": fields.crs.value,
        "input_lat": fields.lat,
        "input_lng": fields.lng,
        "gcj_lat": round(gcj_lat, _COORD_DIGITS),
        "gcj_lng": round(gcj_lng, _COORD_DIGITS),
        "bd_lat": round(bd_lat, _COORD_DIGITS),
        "bd_lng": round(bd_lng, _COORD_DIGITS),
        "facilities": fields.facilities,
        "facilities_other": _plain(fields.facilities_other)[:200],
        "hours": [[list(span) for span in day] for day in fields.hours],
        "opened_on": fields.opened_on,
        **({} if fields.host_kind is None else {"host_kind": fields.host_kind}),
        **({} if fields.host_name is None else {"host_name": _plain(fields.host_name)[:100]}),
        **({} if fields.kinds is None else {"kinds": fields.kinds}),
    }


def _audit_view(values: dict) -> dict:
    view = {k: v for k, v in values.items() if k not in ("hours", "opened_on")}
    view["hours"] = format_hours(values["hours"])
    view["opened_on"] = values["opened_on"].isoformat() if values["opened_on"] else None
    return view


@dataclass
class Saved:
    station: Station
    outcome: str  # "created" | "updated" | "unchanged"


@transaction.atomic
def save_station(
    *,
    by: User,
    org: Org,
    fields: StationFields,
    station: Station | None = None,
    client_ip: str | None = None,
) -> Saved:
    """Create or update the station named ``fields.name`` in ``org`` (or change ``station``,
    which may also move it to another org or rename it). Idempotent: the same values again
    are ``unchanged`` and write nothing, not even an audit event."""
    require_in_scope(by, MANAGE, org.path, REFUSED)
    values = clean_fields(fields)
    if station is None:
        station = Station.objects.filter(org=org, name=values["name"]).first()
    else:
        require_in_scope(by, MANAGE, station.org_path, REFUSED)
    if station is None:
        station = Station(org=org, org_path=org.path, **values)
        _save(station)
        record_event(
            actor=by,
            action="create",
            object_type="station",
            object_id=station.pk,
            org_path=org.path,
            after=_audit_view(values),
            client_ip=client_ip,
        )
        return Saved(station, "created")
    values.update(org=org, org_path=org.path)
    before = {k: getattr(station, k) for k in values}
    changed = {k: v for k, v in values.items() if before[k] != v}
    if not changed:
        return Saved(station, "unchanged")
    for key, value in changed.items():
        setattr(station, key, value)
    _save(station)
    if "org_path" in changed:  # the visits and their rollup go with the station
        Visit.objects.filter(station=station).update(org_path=org.path)
        StationDaily.objects.filter(station=station).update(org_path=org.path)
    shown = [k for k in changed if k not in ("org", "gcj_lat", "gcj_lng", "bd_lat", "bd_lng")]
    record_event(
        actor=by,
        action="update",
        object_type="station",
        object_id=station.pk,
        org_path=org.path,
        client_ip=client_ip,
        before={k: _shown(before[k]) for k in shown},
        after={k: _shown(values[k]) for k in shown},
    )
    return Saved(station, "updated")


def _shown(value: object) -> object:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return format_hours(value)
    return value


def _save(station: Station) -> None:
    try:
        with transaction.atomic():
            station.save()
            stations_changed()
    except IntegrityError:
        raise DomainError(
            "duplicate_name", f"该组织已有名为“{station.name}”的驿站", field="name"
        ) from None


def check_rating(rating: str, year: int) -> None:
    """``DomainError`` unless ``rating`` is a known rating awarded in 2000..this year."""
    this_year = timezone.localdate().year
    if rating not in Rating.values:
        raise DomainError("bad_rating", f"称号“{rating}”无效", field="ratings")
    if not 2000 <= year <= this_year:
        raise DomainError("bad_year", f"授予年度{year}应在2000至{this_year}之间", field="ratings")


@transaction.atomic
def set_ratings(*, by: User, station: Station, ratings: list[tuple[str, int]]) -> bool:
    """Replace the station's ratings with ``ratings`` [(rating, year awarded)]. Idempotent:
    the same ratings again write nothing (a re-imported sheet); returns whether they changed."""
    require_in_scope(by, MANAGE, station.org_path, REFUSED)
    for rating, year in ratings:
        check_rating(rating, year)
    before = sorted(station.ratings.values_list("rating", "year"))
    after = sorted(set(ratings))
    if before == after:
        return False
    station.ratings.all().delete()
    StationRating.objects.bulk_create(
        [StationRating(station=station, rating=r, year=y) for r, y in after]
    )
    record_event(
        actor=by,
        action="update",
        object_type="station",
        object_id=station.pk,
        org_path=station.org_path,
        before={"ratings": before},
        after={"ratings": after},
    )
    return True


@transaction.atomic
def close_on(*, by: User, station: Station, day: datetime.date, reason: str = "") -> StationClosure:
    """Close the station on ``day`` (a holiday, a repair); closing twice is one closure."""
    require_in_scope(by, MANAGE, station.org_path, REFUSED)
    closure, created = StationClosure.objects.get_or_create(
        station=station, day=day, defaults={"reason": reason.strip()[:100]}
    )
    if created:
        stations_changed()
        record_event(
            actor=by,
            action="close",
            object_type="station",
            object_id=station.pk,
            org_path=station.org_path,
            after={"day": day.isoformat(), "reason": closure.reason},
        )
    return closure


@transaction.atomic
def reopen_on(*, by: User, station: Station, day: datetime.date) -> None:
    require_in_scope(by, MANAGE, station.org_path, REFUSED)
    if StationClosure.objects.filter(station=station, day=day).delete()[0]:
        stations_changed()
        record_event(
            actor=by,
            action="reopen",
            object_type="station",
            object_id=station.pk,
            org_path=station.org_path,
            after={"day": day.isoformat()},
        )


def hour_key(at: datetime.datetime) -> str:
    """The local clock hour of ``at``: '2026-11-25T14'."""
    return timezone.localtime(at).strftime("%Y-%m-%dT%H")


def record_visit(
    *,
    by: User,
    station: Station,
    worker: Worker | None = None,
    count: int = 1,
    at: datetime.datetime | None = None,
    client_ip: str | None = None,
) -> Visit:
    """A worker's visit (``worker`` given, count 1) or a head count of ``count`` workers
    without phones. A worker's second visit to the same station in the same clock hour
    is refused (``VisitRefused``, code ``already_visited``), by the database."""
    require_in_scope(by, RECORD, station.org_path, REFUSED)
    channel = VisitChannel.SCAN if worker is not None else VisitChannel.HEADCOUNT
    return _record(
        by=by,
        station=station,
        worker=worker,
        count=count,
        at=at,
        channel=channel,
        client_ip=client_ip,
    )


def _record(
    *,
    by: User | WorkerActor,
    station: Station,
    worker: Worker | None,
    count: int,
    at: datetime.datetime | None,
    channel: str,
    client_ip: str | None,
) -> Visit:
    at = at or timezone.now()
    if at > timezone.now() + datetime.timedelta(minutes=5):
        raise DomainError("visit_in_future", "到访时间晚于现在", field="at")
    if worker is not None and count != 1:
        raise DomainError("bad_count", "职工到访每次记1人次", field="count")
    if not 1 <= count <= MAX_HEADCOUNT:
        raise DomainError("bad_count", f"人数应在1至{MAX_HEADCOUNT}之间", field="count")
    if station.status != Status.OPEN:
        raise VisitRefused(
            "station_not_open", f"“{station.name}”当前{station.get_status_display()}"
        )
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                station=station,
                org_path=station.org_path,
                worker=worker,
                visited_at=at,
                day=timezone.localdate(at),
                hour=hour_key(at),
                count=count,
                channel=channel,
                recorded_by=None if isinstance(by, WorkerActor) else by,
            )
            rollups.bump(visit)
            record_event(
                actor=by,
                action="visit",
                object_type="station",
                object_id=station.pk,
                org_path=station.org_path,
                client_ip=client_ip,
                after={
                    "visit": visit.pk,
                    "count": count,
                    "channel": channel,
                    "worker": worker.pk if worker is not None else None,
                },
            )
    except IntegrityError:
        raise VisitRefused(
            "already_visited", f"该职工本小时内已在“{station.name}”登记过到访"
        ) from None
    return visit


@dataclass
class Scanned:
    visit: Visit
    masked_name: str


def record_card_visit(
    *, by: User, station: Station, token: str, client_ip: str | None = None
) -> Scanned:
    """A worker's visit read from their union card's QR code (the token programs issue),
    scanned by the station's staff: any worker of the station's province may rest at any
    station. Refusals name the card's problem or the hour already counted."""
    require_in_scope(by, RECORD, station.org_path, REFUSED)
    try:
        worker_id = read_card_token(token)
    except DomainError as exc:
        raise VisitRefused(exc.code, exc.message) from None
    province = station.org_path.split("/", 1)[0] + "/"
    worker = worker_for_service(worker_id, within_path=province)
    if worker is None:
        raise VisitRefused("card_invalid", "该工会卡不属于本省职工")
    visit = record_visit(by=by, station=station, worker=worker, client_ip=client_ip)
    return Scanned(visit, mask_name(worker.name))


def record_worker_visit(
    *,
    worker_id: int,
    station: Station,
    at: datetime.datetime | None = None,
    client_ip: str | None = None,
) -> Visit:
    """The worker (identified on the portal) scanned ``station``'s own QR code: one visit
    (person-time) of theirs, at most one per station per clock hour (``VisitRefused``
    ``already_visited`` beyond it, by the database). Any worker of the station's province
    may rest at any station of it."""
    province = station.org_path.split("/", 1)[0] + "/"
    worker = worker_for_service(worker_id, within_path=province)
    if worker is None:
        raise VisitRefused("not_in_province", "您不是本省工会登记的职工，无需登记到访")
    return _record(
        by=WorkerActor(worker.pk),
        station=station,
        worker=worker,
        count=1,
        at=at,
        channel=VisitChannel.STATION_QR,
        client_ip=client_ip,
    )


# --- photos -------------------------------------------------------------------------------

PHOTO_PURPOSE = StationPhoto.PURPOSE


@transaction.atomic
def add_photo(
    *,
    by: User,
    station: Station,
    filename: str,
    data: bytes,
    caption: str = "",
    client_ip: str | None = None,
) -> StationPhoto:
    """A JPEG or PNG of ``station`` (the type judged by content: a PDF or anything else
    renamed .jpg is refused), stored encrypted; shown publicly while the station is open."""
    require_in_scope(by, MANAGE, station.org_path, REFUSED)
    name = Path(filename).name[:200] or "照片"
    stored = store_photo(
        data, filename=name, folder=f"stations/{station.pk}", purpose=PHOTO_PURPOSE
    )
    photo = StationPhoto.objects.create(
        station=station,
        public_id=secrets.token_urlsafe(16),
        caption=_plain(caption)[:100],
        **stored.record_fields(by),
    )
    record_event(
        actor=by,
        action="upload",
        object_type="station",
        object_id=station.pk,
        org_path=station.org_path,
        client_ip=client_ip,
        after={"photo": photo.pk, "name": name, "size": stored.size},
    )
    return photo


@transaction.atomic
def remove_photo(*, by: User, photo: StationPhoto, client_ip: str | None = None) -> None:
    """Take a photo off the station; its encrypted file goes once the removal is committed."""
    station = photo.station
    require_in_scope(by, MANAGE, station.org_path, REFUSED)
    stored_as = photo.stored_as
    record_event(
        actor=by,
        action="remove",
        object_type="station",
        object_id=station.pk,
        org_path=station.org_path,
        client_ip=client_ip,
        before={"photo": photo.pk},
    )
    photo.delete()
    transaction.on_commit(lambda: delete_upload(stored_as))


def photo_bytes(photo: StationPhoto) -> bytes:
    """The photo's clear bytes (callers hand out only photos the reader may see)."""
    return read_upload(photo.stored_as, purpose=PHOTO_PURPOSE)
