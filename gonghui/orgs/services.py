"""Writes to the union tree and the employer registry."""

from dataclasses import dataclass

from django.db import transaction
from stdnum.cn import uscc as uscc_module

from gonghui.audit.services import record_event
from gonghui.core.actors import Actor
from gonghui.core.chinese import name_keys
from gonghui.core.coords import Crs, to_wgs84
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.scoping import in_scope, require_in_scope
from gonghui.orgs.models import Employer, Org, OrgKind

# Who keeps the employer registry: those who keep the worker registry.
WRITE_EMPLOYERS = "write_workers"


def clean_uscc(value: str) -> str:
    """Validated 18-character unified social credit code, or ``DomainError``."""
    code = uscc_module.compact(value or "")
    if not uscc_module.is_valid(code):
        raise DomainError("bad_uscc", f"统一社会信用代码“{value}”不正确", field="uscc")
    return code


def ensure_employers(*, by: Actor, employers: dict[str, tuple[str, int]]) -> dict[str, int]:
    """Create the employers not yet registered; ``employers`` maps USCC → (name, county org id).

    Returns USCC → employer id for all of them. Existing employers keep their
    name: a roster is not the authority on an employer's registration.
    """
    existing = dict(Employer.objects.filter(uscc__in=list(employers)).values_list("uscc", "id"))
    new = [
        Employer(uscc=code, name=name, org_id=org_id)
        for code, (name, org_id) in employers.items()
        if code not in existing
    ]
    if new:
        Employer.objects.bulk_create(new, batch_size=1000)
        existing.update(
            Employer.objects.filter(uscc__in=[e.uscc for e in new]).values_list("uscc", "id")
        )
    return existing


@transaction.atomic
def create_grassroots_union(
    *, by: Actor, county: Org, name: str, employer: Employer | None = None
) -> Org:
    """A grassroots union under a county; its code is the county code plus a 4-digit sequence."""
    if county.kind != OrgKind.COUNTY:
        raise DomainError("bad_parent", "基层工会须建在县（区）总工会之下")
    if not in_scope(by, county.path):
        raise PermissionDenied("forbidden", "无权在该组织下建立基层工会")
    last = (
        Org.objects.filter(parent=county, kind=OrgKind.GRASSROOTS)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    seq = int(last[-4:]) + 1 if last else 1
    code = f"{county.code}{seq:04d}"
    _, pinyin, initials = name_keys(name)
    org = Org.objects.create(
        code=code,
        name=name,
        name_pinyin=pinyin,
        name_initials=initials,
        kind=OrgKind.GRASSROOTS,
        parent=county,
        path=f"{county.path}{code}/",
        depth=county.depth + 1,
        employer=employer,
    )
    record_event(
        actor=by,
        action="create",
        object_type="org",
        object_id=code,
        org_path=org.path,
        after={"name": name, "employer": employer.uscc if employer else None},
    )
    return org


@transaction.atomic
def register_employer(*, by: Actor, name: str, uscc: str, county: Org) -> Employer:
    """Register (or find) one employer by its credit code; audited when new."""
    code = clean_uscc(uscc)
    existing = Employer.objects.filter(uscc=code).first()
    if existing:
        return existing
    employer = Employer.objects.create(name=name, uscc=code, org=county)
    record_event(
        actor=by,
        action="create",
        object_type="employer",
        object_id=code,
        org_path=county.path,
        after={"name": name},
    )
    return employer


@dataclass(frozen=True)
class LocationSet:
    employer: Employer
    outcome: str  # "created" (first location) | "updated" | "unchanged"


_LOCATION_FIELDS = ("address", "input_crs", "input_lat", "input_lng", "lat", "lng")


@transaction.atomic
def set_employer_location(
    *,
    by: Actor,
    employer: Employer,
    lat: float | None,
    lng: float | None,
    crs: Crs,
    address: str,
    client_ip: str | None = None,
) -> LocationSet:
    """Set (or, with ``lat`` and ``lng`` both None, clear) the employer's workplace location,
    given in ``crs``; stored in WGS-84 with the input kept.

    ``by`` needs to keep the registry and the employer's org must lie in ``by``'s subtree.
    Idempotent: the same input again is ``unchanged`` and writes nothing, not even an audit
    event.
    """
    require_in_scope(by, WRITE_EMPLOYERS, employer.org.path, "无权修改该单位的信息")
    address = " ".join((address or "").split())
    if len(address) > 200:
        raise DomainError("bad_address", "地址不能超过200字", field="address")
    if lat is None and lng is None:
        values = dict.fromkeys(_LOCATION_FIELDS[1:]) | {"address": address, "input_crs": ""}
    elif lat is None or lng is None:
        missing = "lat" if lat is None else "lng"
        raise DomainError("half_location", "经度和纬度须同时填写", field=missing)
    else:
        wgs_lat, wgs_lng = to_wgs84(lat, lng, crs)
        values = {
            "address": address,
            "input_crs": crs.value,
            "input_lat": lat,
            "input_lng": lng,
            "lat": wgs_lat,
            "lng": wgs_lng,
        }
    before = {k: getattr(employer, k) for k in _LOCATION_FIELDS}
    changed = {k: v for k, v in values.items() if before[k] != v}
    if not changed:
        return LocationSet(employer, "unchanged")
    outcome = "created" if employer.lat is None and values["lat"] is not None else "updated"
    for key, value in changed.items():
        setattr(employer, key, value)
    employer.save(update_fields=list(changed))
    shown = ("address", "input_crs", "input_lat", "input_lng")
    record_event(
        actor=by,
        action="update",
        object_type="employer",
        object_id=employer.uscc,
        org_path=employer.org.path,
        client_ip=client_ip,
        before={k: before[k] for k in shown},
        after={k: values[k] for k in shown},
    )
    return LocationSet(employer, outcome)
