"""Every page and API endpoint, found by walking the URL conf, hides a sibling subtree.

NetBox's generic view tests, for our one rule: the 驻马店 subtree holds one object of every
scoped model (``scope_world``), and every URL parameter is filled with the object its route
names (``PARAMS``: URL prefix + parameter name → object; a parameter nobody mapped is an
error naming the route, never a guessed id). Then, for every route:

- whoever sees 驻马店 (the province admin; 张东青 himself on the workers' phone pages; the
  service point's clerk at a check-in) gets the object, not 404: the mapping is right;
- a 洛阳 officer (with a 洛阳 worker's phone session) gets 404/403, or, on a page without
  an object in its URL, a page that shows none of 驻马店's data;
- every write (a POST to every page, each POST/PATCH the API router defines) by the 洛阳
  officer, with a plausible body (``FORMS``, ``BODIES``), is refused and changes no row of
  any table of the project, while the same write by the admin changes something (so the
  body is plausible and the refusal is the scope's, not a malformed request's).

New routes are covered without anyone remembering to add them: a new parameter, a page
that takes a form, or an API write without a body here fails until it is described.
"""

import csv
import datetime
import hashlib
import inspect
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import override_settings
from django.test.client import MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.core.models import ImportRun
from gonghui.culture.importers import ATTENDEE_COLUMNS, COUNT_COLUMNS, VISIT_COLUMNS
from gonghui.members.importers import COLUMNS as WORKER_IMPORT_COLUMNS
from gonghui.mutualaid.importers import ROSTER_COLUMNS as AID_ROSTER_COLUMNS
from gonghui.orgs.importers import COLUMNS as LOCATION_COLUMNS
from gonghui.programs.importers import COLUMNS as SERVICE_COLUMNS
from gonghui.rights.importers import WORKER_COLUMNS as CASE_WORKER_COLUMNS
from gonghui.stations.importers import COLUMNS as STATION_COLUMNS
from gonghui.tests.answers import body_of, visible_text
from gonghui.tests.scope_world import PDF, PNG, build_world, id_of
from gonghui.training.importers import FUND_COLUMNS, SCORE_COLUMNS

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("django-admin/", "static/")
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")

# The audit log is append-only and records what a user did in their own area (an export of
# the 洛阳 officer's own workers is audited like any other): it is checked row by row instead,
# every new row must lie in the sibling's own subtree. No refused attempt is logged.
AUDIT = "audit.AuditEvent"
# The chain's head moves with every event appended: part of the log, checked with it.
AUDIT_LOG = {AUDIT, "audit.AuditChain", "audit.AuditSeal"}
# Likewise a refused upload is kept as a refused import run of whoever tried it (issue 19):
# the snapshot leaves refused runs out and they are checked to lie in the sibling's subtree.
IMPORT_RUN = "core.ImportRun"


# --- the routes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    pattern: str  # as the URL conf spells it: "training/<int:pk>/enrol/"
    view: Any = field(compare=False, repr=False)
    api_methods: frozenset[str] = frozenset()  # what ninja's router allows on an API path

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    @property
    def params(self) -> list[tuple[str, str]]:
        """(prefix, name) of each parameter: the text before it, and its name."""
        return [(self.pattern[: m.start()], m["name"]) for m in PARAM.finditer(self.pattern)]

    @property
    def methods(self) -> frozenset[str]:
        # A page is sent GET and POST alike: a view that ignores the method must still
        # change nothing for a sibling.
        return self.api_methods if self.is_api else frozenset({"GET", "POST"})


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _ninja_methods(view) -> frozenset[str]:
    """The methods ninja's PathView behind an API URL pattern answers."""
    if not inspect.isfunction(view):  # openapi.json, docs: partials of plain views
        return frozenset({"GET"})
    path_view = inspect.getclosurevars(view).nonlocals.get("self")
    if path_view is None:
        return frozenset({"GET"})
    return frozenset(m for op in path_view.operations for m in op.methods)


def discover() -> list[Route]:
    found: dict[str, Route] = {}
    for pattern, view in _walk(get_resolver().url_patterns):
        if pattern.startswith(SKIP_PREFIXES):
            continue
        if pattern.startswith("api/"):
            # GET and POST on one path are two URL patterns of the same PathView
            methods = _ninja_methods(view) | found.get(pattern, Route(pattern, view)).api_methods
            found[pattern] = Route(pattern, view, methods)
        else:
            found.setdefault(pattern, Route(pattern, view))
    return sorted(found.values(), key=lambda r: r.pattern)


ROUTES = discover()


# --- which object each URL parameter names ------------------------------------------------------

# (URL prefix up to the parameter, parameter name) → attribute of the world. A prefix is
# matched exactly, so "training/<int:pk>/" and "training/<int:pk>/enrol/" share the class,
# while a new "training/widgets/<int:pk>/" is unknown until added here.
PARAMS = {
    ("accounts/staff/", "pk"): "yicheng",
    ("accounts/tokens/", "pk"): "yicheng_token",
    ("api/orgs/", "code"): "grassroots_code",
    ("api/workers/", "worker_id"): "worker",
    ("api/programs/", "program_id"): "program",
    ("api/points/", "point_id"): "point",
    ("api/stations/", "station_id"): "station",
    ("api/mutualaid/claims/", "claim_id"): "claim",
    ("api/mutualaid/documents/", "document_id"): "document",
    ("api/mutualaid/rosters/", "roster_id"): "roster",
    ("api/rights/cases/", "case_id"): "case",
    ("api/training/classes/", "class_id"): "klass",
    ("api/training/enrolments/", "enrolment_id"): "training_enrolment",
    ("api/training/competitions/", "competition_id"): "competition",
    ("api/training/funds/", "project_id"): "fund",
    ("api/culture/events/", "event_id"): "event",
    ("api/culture/bookhouses/", "bookhouse_id"): "bookhouse",
    ("api/culture/campaigns/", "campaign_id"): "campaign",
    ("orgs/", "code"): "grassroots_code",
    ("reports/map/", "code"): "province_code",
    ("console/workers/", "pk"): "worker",
    ("console/orgs/", "code"): "grassroots_code",
    ("orgs/employers/", "pk"): "employer",
    ("workers/", "pk"): "worker",
    ("programs/", "pk"): "program",
    ("programs/records/", "pk"): "record",
    ("programs/cards/", "pk"): "worker",
    ("stations/", "pk"): "station",
    ("stations/photos/", "pk"): "station_photo",
    ("stations/m/", "pk"): "station",
    ("stations/m/photos/", "public_id"): "station_photo_public_id",
    ("stations/m/visit/", "token"): "visit_token",
    ("mutualaid/claims/", "pk"): "claim",
    ("mutualaid/documents/", "pk"): "document",
    ("mutualaid/rosters/", "pk"): "roster",
    ("rights/", "pk"): "case",
    ("rights/<int:pk>/import/", "kind"): "case_import_kind",
    ("training/", "pk"): "klass",
    ("training/sessions/", "pk"): "session",
    ("training/enrolments/", "pk"): "training_enrolment",
    ("training/portal-link/", "pk"): "worker",
    ("training/competitions/", "pk"): "competition",
    ("training/funds/", "pk"): "fund",
    ("training/craftsmen/", "pk"): "other_worker",  # the craftsman who made their page public
    ("training/m/", "pk"): "klass",
    ("training/m/enter/", "token"): "portal_token",
    ("training/m/attend/", "token"): "session_token",
    ("training/m/certificates/", "pk"): "training_enrolment",
    ("culture/", "pk"): "event",
    ("culture/photos/", "pk"): "event_photo",
    ("culture/bookhouses/", "pk"): "bookhouse",
    ("culture/campaigns/", "pk"): "campaign",
    ("culture/r/", "pk"): "content_item",
    ("culture/r/<int:pk>/", "code"): "area_code",
}

# Routes whose verb needs the object in another state than its neighbours' (a draw needs a
# lottery class; reporting an event held needs a planned one, signing workers in a held one).
ROUTE_PARAMS = {
    "training/<int:pk>/lottery/": {"pk": "lottery_class"},
    "culture/<int:pk>/held/": {"pk": "planned_event"},
    "culture/<int:pk>/cancel/": {"pk": "planned_event"},
    "api/culture/events/<event_id>/held": {"event_id": "planned_event"},
}


def _value(world, key: str) -> str:
    value = getattr(world, key)
    return str(getattr(value, "pk", value))


def fill(route: Route, world, *, as_sibling: bool = False) -> str:
    """The route's URL with 驻马店's objects in its parameters; unknown ones fail the test."""
    url = route.pattern
    for match in reversed(list(PARAM.finditer(route.pattern))):
        name = match["name"]
        prefix = route.pattern[: match.start()]
        key = ROUTE_PARAMS.get(route.pattern, {}).get(name) or PARAMS.get((prefix, name))
        if key is None:
            pytest.fail(
                f"{route.pattern}: no object for <{name}>; add ({prefix!r}, {name!r}) to PARAMS"
            )
        if as_sibling:
            key = SIBLING_KEYS.get(key, key)
        url = url[: match.start()] + _value(world, key) + url[match.end() :]
    return "/" + url


# A personal link is a credential: the sibling does not hold 张东青's. It tries its own link
# with 张东青's id put in place of its worker's (a forgery the signature must refuse).
SIBLING_KEYS = {"portal_token": "forged_portal_token"}


# --- who asks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Public:
    """A route anyone may use by design, and what it may show or change for a stranger."""

    reason: str
    shows: tuple[str, ...] = ()  # strings of the world it may show (else: no personal data)
    writes: tuple[str, ...] = ()  # models a stranger's request may change


PUBLIC = {
    "accounts/login/": Public("signing in is not scoped"),
    "accounts/logout/": Public("signing out ends one's own session"),
    "accounts/tokens/": Public(
        "an account issues API tokens to itself: the sibling's token is its own",
        writes=("accounts.ApiToken",),
    ),
    "api/health": Public("liveness, no data"),
    "api/openapi.json": Public("the schema, no data"),
    "api/docs": Public("the schema, no data"),
    "api/stations/nearest": Public("open stations are signposted for every worker"),
    "stations/m/": Public("the phone map starts empty, from the phone's position"),
    "stations/m/<int:pk>/": Public("an open station's public card", shows=("area",)),
    "stations/m/photos/<str:public_id>/": Public("an open station's photo, by a random id"),
    "stations/m/visit/<str:token>/": Public(
        "the QR code on a station's wall: a worker from anywhere may stop by",
        shows=("area",),
        writes=("stations.Visit", "stations.StationDaily", AUDIT),
    ),
    "training/craftsmen/<int:pk>/public/": Public(
        "the craftsman consented to a public page",
        shows=("area", "李秀英"),
    ),
    "culture/r/<int:pk>/<str:code>/": Public(
        "a reading campaign's tracking link, shared on social media",
        writes=("culture.ReadingDaily", "culture.ReadingClient"),
    ),
    "culture/r/<int:pk>/<str:code>/share/": Public(
        "the share button behind a tracking link",
        writes=("culture.ReadingDaily", "culture.ReadingClient"),
    ),
    "training/m/profile/": Public(
        "the worker's own consent to a public page: the sibling worker changes their own",
        writes=("training.PublicProfile",),
    ),
}

# Routes that refuse a sibling with another status than 404/403, and why that reveals nothing.
REFUSALS = {
    "training/m/attend/<str:token>/": (
        409,
        "the sign-in QR code of a class the worker is not in: a message page, as for an expired one",
    ),
}

# Routes that answer their owner with a refusal for a reason of the object's own, and why.
OWNER_ANSWERS = {
    "training/m/certificates/<int:pk>/": (
        409,
        "张东青 has not attended enough sessions yet: the page says so (a stranger gets 404)",
    ),
}

# Who proves that a route's object is reachable, when not the province admin.
OWNERS = {
    # a roster goes to the union above: the province has none, a county officer submits it
    "mutualaid/rosters/new/": "yicheng",
    "accounts/staff/": "sysadmin",
    "accounts/staff/<int:pk>/": "sysadmin",
    "accounts/staff/<int:pk>/active/": "sysadmin",
    "accounts/staff/<int:pk>/reset-2fa/": "sysadmin",
    "accounts/tokens/<int:pk>/revoke/": "sysadmin",
    "api/checkins": "clerk",
    "api/checkins/batch": "clerk",
    "programs/checkin/": "clerk",
    # only the officer or reviewer of the org handling the case reveals its workers
    "rights/<int:pk>/reveal/": "yicheng",
}

# Who stands for the sibling area, when an officer could not use the route at all.
SIBLINGS = {
    # Only a system admin has the account pages: 404 for an officer whatever the scope.
    "accounts/staff/": "luoyang_sysadmin",
    "accounts/staff/<int:pk>/": "luoyang_sysadmin",
    "accounts/staff/<int:pk>/active/": "luoyang_sysadmin",
    "accounts/staff/<int:pk>/reset-2fa/": "luoyang_sysadmin",
    "accounts/tokens/<int:pk>/revoke/": "luoyang_sysadmin",
    "audit/": "luoyang_auditor",  # an officer has no view_audit: 404 whatever the scope
}


def login(client, world, user_key: str, worker) -> dict:
    """Log ``client`` in as the world's ``user_key`` with ``worker`` on the phone pages;
    the headers of that user's API calls."""
    user = getattr(world, user_key)
    client.force_login(user)
    entered = client.get(f"/training/m/enter/{world.portal_tokens[worker.pk]}/")
    assert entered.status_code == 302, entered
    return {"Authorization": f"Bearer {world.tokens[user.pk]}"}


def as_owner(client, world, route: Route) -> dict:
    return login(client, world, OWNERS.get(route.pattern, "admin"), world.worker)


def as_sibling(client, world, route: Route) -> dict:
    return login(client, world, SIBLINGS.get(route.pattern, "luoyang"), world.sibling_worker)


# --- the world, once per module ------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The 驻马店 objects, built once and rolled back at the module's end; each test runs in
    a savepoint inside it (pytest-django's ``db``), so no test sees another's writes."""
    uploads = tmp_path_factory.mktemp("uploads")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            UPLOAD_DIR=uploads,
            STATION_INDEX_RECHECK=0,
        ),
        transaction.atomic(),
    ):
        built = build_world()
        built.portal_tokens = {
            w.pk: t
            for w, t in (
                (built.worker, built.portal_token),
                (built.sibling_worker, built.sibling_portal_token),
            )
        }
        own = built.sibling_portal_token
        built.forged_portal_token = f"{built.worker.pk}{own[own.index(':') :]}"
        built.grassroots_code = built.grassroots.code
        built.area_code = "411702"
        built.province_code = "410000"  # the one org with a map: 驻马店's admin sees it
        built.case_import_kind = "workers"
        built.station_photo_public_id = built.station_photo.public_id
        built.baseline = snapshot()
        built.last_audit_id = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)[0]
        built.sibling_path = built.luoyang.org.path
        yield built
        transaction.set_rollback(True)


# --- what a sibling may not see, and what nobody may change -----------------------------------------


def secrets_for(route: Route, world) -> list[str]:
    public = PUBLIC.get(route.pattern)
    if public is None:
        return world.personal + world.area
    shown = set(public.shows)
    hidden = [s for s in world.personal if s not in shown]
    return hidden if "area" in shown else hidden + world.area


# Signing the test's client in stamps the account; that is the test's doing, not the route's.
UNHASHED = {"accounts.User": {"last_login"}}


def project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("gonghui.")]


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a hash of every row of every project table but the audit log.

    Plain SQL: the ORM's query building would cost more than the queries (67 tables each test).
    """
    taken = {}
    with connection.cursor() as cursor:
        for model in project_models():
            label = model._meta.label
            if label in AUDIT_LOG:
                continue
            skip = UNHASHED.get(label, set())
            columns = ", ".join(
                connection.ops.quote_name(f.column)
                for f in model._meta.concrete_fields
                if f.attname not in skip
            )
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            kept = " WHERE NOT refused" if label == IMPORT_RUN else ""
            cursor.execute(f"SELECT {columns} FROM {table}{kept} ORDER BY {pk}")
            rows = [tuple(_plain(v) for v in row) for row in cursor.fetchall()]
            taken[label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return taken


def changed(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def audit_outside(world, allowed: str) -> list[tuple]:
    """Audit rows written since the world was built whose org path is not under ``allowed``."""
    new = AuditEvent.objects.filter(pk__gt=world.last_audit_id)
    return list(
        new.exclude(org_path__startswith=allowed).values_list("actor_name", "action", "org_path")
    )


# --- the bodies of the writes ------------------------------------------------------------------


def upload(name: str, header, rows) -> SimpleUploadedFile:
    """A CSV as Excel saves it (UTF-8 with BOM)."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, ("\ufeff" + text.getvalue()).encode())


def _today(w, days: int = 0) -> str:
    return (w.today + datetime.timedelta(days=days)).isoformat()


def _now() -> str:
    """Now, for a phone's offline upload (after the card was shown, not in the future)."""
    return timezone.now().isoformat()


# The form each page that takes a POST is sent; ``w`` is the world.
FORMS = {
    "accounts/login/": lambda w: {"username": "scope_zhumadian", "password": "wrong"},
    "accounts/logout/": lambda w: {},
    "accounts/password/": lambda w: {
        "old_password": "Not-The-Password-1",
        "new_password": "Scope-Changed-2026!",
        "new_password_again": "Scope-Changed-2026!",
    },
    "accounts/2fa/": lambda w: {"token": "000000"},
    "accounts/2fa/enrol/": lambda w: {"token": "000000"},
    "accounts/staff/": lambda w: {
        "username": "scope_new",
        "password": "Scope-New-2026!",
        "org": "411702",
        "role": "officer",
    },
    "accounts/staff/<int:pk>/": lambda w: {"role": "reviewer", "org_code": "411702"},
    "accounts/staff/<int:pk>/active/": lambda w: {"active": "0"},
    "accounts/staff/<int:pk>/reset-2fa/": lambda w: {},
    "accounts/tokens/": lambda w: {"name": "scope"},
    "accounts/tokens/<int:pk>/revoke/": lambda w: {},
    "workers/new/": lambda w: {
        "name": "赵新人",
        "id_number": id_of(11),
        "phone": "13800138011",
        "org_code": "411702",
        "categories": ["环卫工人"],
        "joined_on": "2024-01-01",
    },
    "workers/<int:pk>/edit/": lambda w: {
        "name": "张东青",
        "phone": "13900139000",
        "org_code": "411702",
        "categories": ["环卫工人"],
        "joined_on": "2020-01-01",
    },
    "workers/<int:pk>/reveal-id/": lambda w: {},
    "workers/find/": lambda w: {"id_number": id_of(1)},
    "workers/import/": lambda w: {
        "file": upload(
            "名册.csv",
            WORKER_IMPORT_COLUMNS,
            [["赵新人", id_of(12), "13800138012", "411702", "", "", "环卫工人", "2024-01-01"]],
        ),
    },
    "orgs/employers/<int:pk>/location/": lambda w: {
        "address": "驻马店市驿城区解放路2号",
        "lng": "114.03",
        "lat": "32.99",
        "crs": "wgs84",
    },
    "orgs/employers/locations/import/": lambda w: {
        "file": upload(
            "工作地点.csv",
            LOCATION_COLUMNS,
            [
                [
                    w.employer_terms[1],
                    w.employer_terms[0],
                    "驿城区解放路2号",
                    "114.03",
                    "32.99",
                    "WGS84",
                ]
            ],
        ),
    },
    "programs/new/": lambda w: {
        "org_code": "411702",
        "name": "驿城区送清凉",
        "kind": "daily",
        "starts_on": _today(w),
        "ends_on": _today(w, 30),
        "frequency": "daily",
        "unit_cost": "5",
        "when_exhausted": "refuse",
    },
    "programs/points/new/": lambda w: {
        "org_code": "411702",
        "name": "驿城区第二服务点",
        "address": "驻马店市驿城区",
        "programs": [str(w.program.pk)],
        "staff": "",
    },
    "programs/checkin/": lambda w: {
        "choice": f"{w.point.pk}:{w.program.pk}",
        "token": w.card_token,
        "request_id": "scope-walker-1",
    },
    "programs/<int:pk>/import/": lambda w: {
        "file": upload(
            "服务清单.csv",
            SERVICE_COLUMNS,
            [[id_of(1), "张东青", _today(w), "驿城区早餐服务点", "1", "5"]],
        ),
    },
    "programs/records/<int:pk>/void/": lambda w: {"reason": "重复登记"},
    "stations/new/": lambda w: {
        "org_code": "411702",
        "name": "驿城区第二爱心驿站",
        "host_kind": "union",
        "address": "驻马店市驿城区中华路1号",
        "lng": "114.02",
        "lat": "32.97",
        "crs": "wgs84",
        "hours": "08:00-20:00",
        "status": "open",
    },
    "stations/import/": lambda w: {
        "file": upload(
            "驿站.csv",
            STATION_COLUMNS,
            [
                [
                    "驿城区第三爱心驿站",
                    "411702",
                    "驻马店市驿城区中华路9号",
                    "114.02",
                    "32.97",
                    "WGS84",
                    "饮水",
                    "08:00-20:00",
                    "",
                    "开放",
                    "",
                ]
            ],
        ),
    },
    "stations/<int:pk>/edit/": lambda w: {
        "org_code": "411702",
        "name": "驿城区解放路爱心驿站",
        "host_kind": "union",
        "address": "驻马店市驿城区解放路3号",
        "lng": "114.02",
        "lat": "32.98",
        "crs": "wgs84",
        "hours": "08:00-20:00",
        "status": "open",
    },
    "stations/<int:pk>/headcount/": lambda w: {"count": "3"},
    "stations/<int:pk>/close/": lambda w: {"day": _today(w, 1), "reason": "维修"},
    "stations/<int:pk>/rate/": lambda w: {"rating": "most_beautiful", "year": "2025"},
    "stations/<int:pk>/photos/": lambda w: {
        "photo": SimpleUploadedFile("侧门.png", PNG),
        "caption": "侧门",
    },
    "stations/photos/<int:pk>/remove/": lambda w: {},
    "mutualaid/claims/new/": lambda w: {
        "plan": str(w.plan.pk),
        "id_number": id_of(1),
        "category": "急性心肌梗死",
        "diagnosed_on": "2026-06-01",
        "hospital": "驻马店市中心医院",
        "diagnosis": "急性前壁心肌梗死",
        "claimed": "30000",
    },
    "mutualaid/claims/<int:pk>/action/": lambda w: {"action": "submit"},
    "mutualaid/claims/<int:pk>/diagnosis/": lambda w: {},
    "mutualaid/claims/<int:pk>/documents/": lambda w: {
        "document": SimpleUploadedFile("病历.pdf", PDF)
    },
    "mutualaid/enrol/": lambda w: {
        "plan": str(w.plan.pk),
        "id_number": id_of(2),
        "paid_on": "2026-01-02",
    },
    "mutualaid/plans/new/": lambda w: {
        "org_code": "411702",
        "year": "2027",
        "name": "2027年驿城区职工互助保障",
        "contribution": "50",
        "enrol_opens": "2026-11-01",
        "enrol_closes": "2027-03-31",
        "cover_starts": "2027-01-01",
        "cover_ends": "2027-12-31",
        "annual_cap": "60000",
        "waiting_days": "90",
        "benefits": "恶性肿瘤 50000",
    },
    "mutualaid/rosters/new/": lambda w: {
        "plan": str(w.plan.pk),
        "file": upload("参保名册.csv", AID_ROSTER_COLUMNS, [["李秀英", id_of(2), "2026-01-02"]]),
    },
    "mutualaid/rosters/<int:pk>/review/": lambda w: {},
    "rights/new/": lambda w: {
        "org_code": "411702",
        "channel": "hotline",
        "opened_on": _today(w),
        "employer_name": "驻马店某物业公司",
        "employer_uscc": w.employer_terms[1],
    },
    "rights/<int:pk>/action/": lambda w: {"action": "investigate"},
    "rights/<int:pk>/import/<str:kind>/": lambda w: {
        "file": upload("涉案职工.csv", CASE_WORKER_COLUMNS, [["李秀英", id_of(2), "8000"]]),
    },
    "rights/<int:pk>/recovery/": lambda w: {
        "case_worker": str(w.case_worker.pk),
        "wages": "1000",
        "compensation": "0",
        "recovered_on": _today(w),
    },
    "rights/<int:pk>/transfer/": lambda w: {"to_org": "411721", "reason": "用人单位在西平县"},
    "rights/<int:pk>/reveal/": lambda w: {},
    "training/new/": lambda w: {
        "org_code": "411702",
        "subject": "戏曲",
        "course_name": "驿城区豫剧入门",
        "name": "豫剧周末班",
        "teacher": "李老师",
        "room": "驿城区职工之家",
        "weekdays": ["6"],
        "starts_at": "09:00",
        "ends_at": "11:00",
        "term_starts": _today(w, 7),
        "term_ends": _today(w, 60),
        "capacity": "20",
    },
    "training/<int:pk>/enrol/": lambda w: {"id_number": id_of(2)},
    "training/<int:pk>/lottery/": lambda w: {"seed": "2026-12-01 公证001"},
    "training/sessions/<int:pk>/": lambda w: {"present": [str(w.training_enrolment.pk)]},
    "training/enrolments/<int:pk>/cancel/": lambda w: {},
    "training/competitions/new/": lambda w: {
        "org_code": "411702",
        "name": "驿城区环卫技能竞赛",
        "tier": "enterprise",
        "trade": "环卫",
        "held_on": _today(w),
        "theory_weight": "30",
    },
    "training/competitions/<int:pk>/enter/": lambda w: {"id_number": id_of(2)},
    "training/competitions/<int:pk>/award/": lambda w: {"places": "1", "title": "驻马店环卫状元"},
    "training/craftsmen/award/": lambda w: {
        "id_number": id_of(2),
        "title": "五一劳动奖章",
        "level": "province",
        "year": "2026",
    },
    "training/competitions/<int:pk>/scores/": lambda w: {
        "entry": str(w.entry.pk),
        "judge": "王评委",
        "part": "theory",
        "points": "86.5",
    },
    "training/competitions/<int:pk>/import/": lambda w: {
        "file": upload("评分.csv", SCORE_COLUMNS, [[id_of(1), "张东青", "李评委", "实操", "90"]]),
    },
    "training/funds/new/": lambda w: {
        "org_code": "411702",
        "name": "驿城区技能提升班",
        "kind": "skill",
        "employer_name": w.employer_terms[0],
        "uscc": w.employer_terms[1],
        "provider": "驻马店技师学院",
        "starts_on": _today(w),
        "ends_on": _today(w, 90),
        "budget": "5000",
    },
    "training/funds/<int:pk>/edit/": lambda w: {
        "org_code": "411702",
        "name": "驿城区环卫工人学历提升班",
        "kind": "diploma",
        "employer_name": w.employer_terms[0],
        "uscc": w.employer_terms[1],
        "provider": "驻马店职业技术学院",
        "starts_on": _today(w, -30),
        "ends_on": _today(w, 600),
        "budget": "12000",
    },
    "training/funds/<int:pk>/spend/": lambda w: {
        "spent_on": _today(w),
        "amount": "100",
        "purpose": "教材",
    },
    "training/funds/<int:pk>/trainees/": lambda w: {"id_number": id_of(2)},
    "training/funds/<int:pk>/import/": lambda w: {
        "file": upload("学员.csv", FUND_COLUMNS, [[id_of(2), "李秀英", _today(w)]]),
    },
    "training/funds/<int:pk>/outcome/": lambda w: {
        "trainee": str(w.trainee.pk),
        "kind": "completed",
        "on": _today(w),
    },
    "training/m/profile/": lambda w: {"public": "1"},
    "training/m/<int:pk>/": lambda w: {"action": "cancel"},
    "culture/new/": lambda w: {
        "org_code": "411702",
        "kind": "film",
        "title": "驿城区送电影下乡",
        "venue": "驻马店某社区",
        "starts_at": f"{_today(w, 3)} 19:30",
    },
    "culture/<int:pk>/held/": lambda w: {"audience": "80"},
    "culture/<int:pk>/cancel/": lambda w: {},
    "culture/<int:pk>/sign-in/": lambda w: {"id_numbers": id_of(2)},
    "culture/<int:pk>/attendees/import/": lambda w: {
        "file": upload("签到.csv", ATTENDEE_COLUMNS, [[id_of(2), "李秀英"]]),
    },
    "culture/<int:pk>/photos/": lambda w: {"photo": SimpleUploadedFile("合影.png", PNG)},
    "culture/bookhouses/": lambda w: {
        "org_code": "411702",
        "name": "驿城区第二职工书屋",
        "host_kind": "union",
        "level": "none",
        "holdings": "800",
        "ebooks": "0",
        "periodicals": "0",
    },
    "culture/bookhouses/visits/import/": lambda w: {
        "file": upload(
            "读者人次.csv", VISIT_COLUMNS, [["驿城区环卫处职工书屋", "411702", "2026-11", "40"]]
        ),
    },
    "culture/bookhouses/<int:pk>/edit/": lambda w: {
        "name": "驿城区环卫处职工书屋",
        "host_kind": "union",
        "level": "none",
        "holdings": "2600",
        "ebooks": "0",
        "periodicals": "0",
    },
    "culture/bookhouses/<int:pk>/visits/": lambda w: {"month": "2026-11", "visits": "30"},
    "culture/campaigns/new/": lambda w: {
        "org_code": "411702",
        "name": "驿城区经典诵读",
        "starts_on": _today(w),
        "ends_on": _today(w, 30),
        "items": "劳动者之歌 https://example.org/song",
    },
    "culture/campaigns/<int:pk>/counts/import/": lambda w: {
        "file": upload("阅读次数.csv", COUNT_COLUMNS, [["411702", _today(w), "30", "2"]]),
    },
    "culture/r/<int:pk>/<str:code>/share/": lambda w: {},
    "programs/<int:pk>/budget/": lambda w: {"budget": "123456.00", "reason": "追加年度预算"},
}


@dataclass(frozen=True)
class Multipart:
    """An API body sent as a form with files instead of JSON."""

    fields: dict


# The body of each API write: (method, route) → body.
BODIES = {
    ("POST", "api/checkins"): lambda w: {
        "point": w.point.pk,
        "program": w.program.pk,
        "token": w.card_token,
        "request_id": "scope-walker-2",
    },
    ("POST", "api/checkins/batch"): lambda w: {
        "point": w.point.pk,
        "program": w.program.pk,
        "items": [{"token": w.card_token, "served_at": _now(), "request_id": "scope-walker-3"}],
    },
    ("POST", "api/workers/find"): lambda w: {"id_number": id_of(1)},
    ("POST", "api/workers"): lambda w: {
        "name": "赵新人",
        "id_number": id_of(13),
        "phone": "13800138013",
        "org": "411702",
        "categories": ["环卫工人"],
        "joined_on": "2024-01-01",
    },
    ("PATCH", "api/workers/<worker_id>"): lambda w: {"phone": "13900139001"},
    ("POST", "api/programs"): lambda w: {
        "org": "411702",
        "name": "驿城区送清凉",
        "kind": "daily",
        "starts_on": _today(w),
        "ends_on": _today(w, 30),
        "frequency": "daily",
        "unit_cost_fen": 500,
    },
    ("POST", "api/programs/<program_id>/points"): lambda w: {
        "org": "411702",
        "name": "驿城区第二服务点",
        "staff": [w.clerk.username],
    },
    ("POST", "api/stations/<station_id>/visits"): lambda w: {"count": 2},
    ("POST", "api/mutualaid/plans"): lambda w: {
        "org": "411702",
        "year": 2027,
        "name": "2027年驿城区职工互助保障",
        "contribution_fen": 5000,
        "enrol_opens": "2026-11-01",
        "enrol_closes": "2027-03-31",
        "cover_starts": "2027-01-01",
        "cover_ends": "2027-12-31",
        "annual_cap_fen": 6_000_000,
        "waiting_days": 90,
        "benefits": {"恶性肿瘤": 5_000_000},
    },
    ("POST", "api/mutualaid/enrolments"): lambda w: {
        "plan": w.plan.pk,
        "worker": w.other_worker.pk,
        "paid_on": "2026-01-02",
    },
    ("POST", "api/mutualaid/claims"): lambda w: {
        "enrolment": w.aid_enrolment.pk,
        "category": "急性心肌梗死",
        "diagnosed_on": "2026-06-01",
        "hospital": "驻马店市中心医院",
        "diagnosis": "急性前壁心肌梗死",
        "claimed_fen": 3_000_000,
    },
    ("POST", "api/mutualaid/claims/<claim_id>/actions"): lambda w: {"action": "submit"},
    ("POST", "api/mutualaid/claims/<claim_id>/documents"): lambda w: Multipart(
        {"file": SimpleUploadedFile("病历.pdf", PDF)}
    ),
    ("POST", "api/mutualaid/rosters/<roster_id>/review"): lambda w: {"returned": {}},
    ("POST", "api/rights/cases"): lambda w: {
        "org": "411702",
        "channel": "hotline",
        "employer_name": "驻马店某物业公司",
        "employer_uscc": w.employer_terms[1],
        "opened_on": _today(w),
    },
    ("POST", "api/rights/cases/<case_id>/actions"): lambda w: {"action": "investigate"},
    ("POST", "api/rights/cases/<case_id>/workers"): lambda w: {
        "items": [{"worker": w.other_worker.pk, "owed_fen": 800_000}]
    },
    ("POST", "api/rights/cases/<case_id>/recoveries"): lambda w: {
        "items": [
            {"case_worker": w.case_worker.pk, "wages_fen": 100_000, "recovered_on": _today(w)}
        ]
    },
    ("POST", "api/rights/cases/<case_id>/transfer"): lambda w: {
        "to_org": "411721",
        "reason": "用人单位在西平县",
    },
    ("POST", "api/training/classes"): lambda w: {
        "org": "411702",
        "subject": "戏曲",
        "course": "驿城区豫剧入门",
        "name": "豫剧周末班",
        "teacher": "李老师",
        "room": "驿城区职工之家",
        "weekdays": [6],
        "starts_at": "09:00",
        "ends_at": "11:00",
        "term_starts": _today(w, 7),
        "term_ends": _today(w, 60),
        "capacity": 20,
    },
    ("POST", "api/training/classes/<class_id>/enrolments"): lambda w: {
        "worker_id": w.other_worker.pk
    },
    ("POST", "api/training/enrolments/<enrolment_id>/cancel"): lambda w: {},
    ("POST", "api/training/competitions/<competition_id>/scores"): lambda w: {
        "entry_id": w.entry.pk,
        "judge": "王评委",
        "part": "theory",
        "points": "86.5",
    },
    ("POST", "api/culture/events/<event_id>/held"): lambda w: {"audience": 80},
    ("POST", "api/culture/events/<event_id>/attendees"): lambda w: {
        "worker_ids": [w.other_worker.pk]
    },
}

# Reads sent as POST that change nothing but the audit log (an unmasked read is audited).
OWNER_ONLY_AUDITED = {
    "workers/<int:pk>/reveal-id/": "the ID number in clear",
    "workers/find/": "a whole-number search: the worker's page, found by its ID number",
    "api/workers/find": "a whole-number search: the worker, found by its ID number",
    "mutualaid/claims/<int:pk>/diagnosis/": "the diagnosis in clear",
    "rights/<int:pk>/reveal/": "the case's workers' names and phones in clear",
}

# Writes after which the admin's own request changes no row, and why.
OWNER_WRITES_NOTHING = {
    "accounts/login/": "a signed-in user is sent on (redirect_authenticated_user)",
    "accounts/logout/": "signing out ends the session (django_session), no project table",
    "accounts/password/": "the old password sent is wrong; an account changes only its own "
    "password (accounts/tests/test_passwords.py changes it)",
    "accounts/2fa/": "the client is verified already; a wrong code touches django-otp's table only",
    "accounts/2fa/enrol/": "an enrolled account is sent to the code prompt",
    "programs/<int:pk>/budget/": "the admin set the budget in force, so four eyes refuse the "
    "admin's change (programs/tests/test_budget_page.py changes it by another manager)",
}


def send(client, route: Route, method: str, world, headers: dict, *, as_sibling: bool):
    url = fill(route, world, as_sibling=as_sibling)
    if route.is_api:
        body = BODIES[(method, route.pattern)](world)
        if isinstance(body, Multipart):
            return client.generic(method, url, **_multipart(body.fields), headers=headers)
        return client.generic(
            method, url, json.dumps(body), content_type="application/json", headers=headers
        )
    make = FORMS.get(route.pattern)
    answer = client.post(url, make(world) if make else {}, headers=headers)
    body_of(answer)  # an export answers POST too: its file is closed here
    return answer


def _multipart(fields: dict) -> dict:
    boundary = "scopewalkerboundary"
    return {
        "data": encode_multipart(boundary, fields),
        "content_type": f"{MULTIPART_CONTENT[: MULTIPART_CONTENT.index('=') + 1]}{boundary}",
    }


# --- the walk ------------------------------------------------------------------------------------

GET_ROUTES = [r for r in ROUTES if "GET" in r.methods]
PARAM_GET_ROUTES = [r for r in GET_ROUTES if r.params]
WRITES = [(r, m) for r in ROUTES for m in sorted(r.methods - {"GET"})]
PROVEN_WRITES = [
    (r, m) for r, m in WRITES if (r.is_api and (m, r.pattern) in BODIES) or r.pattern in FORMS
]


def _id(value):
    if isinstance(value, Route):
        return value.pattern or "/"
    return str(value)


def handles_post(route: Route) -> bool:
    """Whether a page's view reads a POST: its own source or a module function it calls
    mentions POST, or its class has a ``post`` method."""
    view = route.view
    if hasattr(view, "view_class"):
        return hasattr(view.view_class, "post")
    inner = inspect.unwrap(view)
    source = inspect.getsource(inner)
    called = set(re.findall(r"\b(_\w+)\(", source))
    for name in called:
        helper = inner.__globals__.get(name)
        if inspect.isfunction(helper):
            source += inspect.getsource(inspect.unwrap(helper))
    return "POST" in source


def test_every_route_is_described():
    """Every parameter has its object, every page that reads a form has a body here, every
    API write has one; nothing here describes a route that no longer exists."""
    unmapped = [
        f"{r.pattern} <{name}>"
        for r in ROUTES
        for prefix, name in r.params
        if (prefix, name) not in PARAMS and name not in ROUTE_PARAMS.get(r.pattern, {})
    ]
    assert not unmapped, f"add these to PARAMS: {unmapped}"
    forms = {r.pattern for r in ROUTES if not r.is_api and handles_post(r)}
    assert not forms - FORMS.keys(), (
        f"pages reading a POST without a body in FORMS: {forms - FORMS.keys()}"
    )
    assert not FORMS.keys() - forms, f"FORMS for pages that read no POST: {FORMS.keys() - forms}"
    writes = {(m, r.pattern) for r, m in WRITES if r.is_api}
    assert not writes - BODIES.keys(), f"API writes without a body: {writes - BODIES.keys()}"
    assert not BODIES.keys() - writes, f"BODIES for no API write: {BODIES.keys() - writes}"
    patterns = {r.pattern for r in ROUTES}
    described = (
        PUBLIC.keys()
        | REFUSALS.keys()
        | OWNERS.keys()
        | SIBLINGS.keys()
        | ROUTE_PARAMS.keys()
        | OWNER_ANSWERS.keys()
        | OWNER_ONLY_AUDITED.keys()
        | OWNER_WRITES_NOTHING.keys()
    )
    stale = described - patterns
    assert not stale, f"described routes that no longer exist: {stale}"
    used = {p for r in ROUTES for p in r.params}
    assert not PARAMS.keys() - used, f"PARAMS nobody uses: {PARAMS.keys() - used}"


@pytest.mark.parametrize("route", PARAM_GET_ROUTES, ids=_id)
def test_the_admin_reaches_every_object(client, world, route):
    """The mapping is right: whoever sees 驻马店 gets each route's object (a page that only
    takes a POST answers 405 before it looks; its write is proven below)."""
    headers = as_owner(client, world, route)
    answer = client.get(fill(route, world), headers=headers)
    body_of(answer)
    status = answer.status_code
    assert status < 400 or status == 405 or status == OWNER_ANSWERS.get(route.pattern, (0,))[0], (
        f"{route.pattern}: {status} for the admin"
    )
    assert "/accounts/login/" not in answer.get("Location", ""), route.pattern


def refused(route: Route, status: int) -> bool:
    """Whether ``status`` is how ``route`` turns away a sibling asking for 驻马店's object."""
    expected = REFUSALS.get(route.pattern, (None,))[0]
    return status in (403, 404, 405) or status == expected


def assert_nothing_changed(world, route: Route, what: str) -> None:
    public = PUBLIC.get(route.pattern)
    allowed = set(public.writes) if public else set()
    moved = set(changed(world.baseline, snapshot())) - allowed
    assert not moved, f"{what} by a sibling changed {sorted(moved)}"
    if AUDIT not in allowed:
        logged = audit_outside(world, world.sibling_path)
        assert not logged, f"{what} by a sibling wrote audit rows outside its subtree: {logged}"
    refusals = ImportRun.objects.filter(refused=True).exclude(
        org_path__startswith=world.sibling_path
    )
    assert not refusals.exists(), f"{what} by a sibling kept a refused import outside its subtree"


@pytest.mark.parametrize("route", GET_ROUTES, ids=_id)
def test_a_sibling_gets_nothing(client, world, route):
    """404/403 for 驻马店's object; on a page of one's own area, none of 驻马店's data."""
    headers = as_sibling(client, world, route)
    url = fill(route, world, as_sibling=True)
    secrets = secrets_for(route, world)
    public = PUBLIC.get(route.pattern)
    last4 = world.worker.id_masked[-4:]
    queries = ("",) if route.params else ("", "?q=zdq", "?org=411702", f"?q={last4}")
    for query in queries:
        answer = client.get(url + query, headers=headers, follow=not route.params)
        status = answer.status_code
        assert status < 500, (url + query, status)
        if route.params and public is None:
            assert refused(route, status), f"GET {url}: {status} for a sibling"
        # ...and a page may echo what the query said (?org=411702 in the filter box).
        leaked = [s for s in secrets if s in visible_text(answer) and s not in query]
        assert not leaked, f"{url}{query} shows {leaked}"
    assert_nothing_changed(world, route, f"GET {url}")


@pytest.mark.parametrize(("route", "method"), PROVEN_WRITES, ids=_id)
def test_the_admin_write_changes_something(client, world, route, method):
    """The bodies are plausible: the same write by whoever may make it is taken."""
    headers = as_owner(client, world, route)
    answer = send(client, route, method, world, headers, as_sibling=False)
    status = answer.status_code
    assert status < 400, (route.pattern, status, visible_text(answer)[:2000])
    if route.pattern in OWNER_WRITES_NOTHING:
        return
    if route.pattern in OWNER_ONLY_AUDITED:
        assert AuditEvent.objects.filter(pk__gt=world.last_audit_id).exists()
        return
    moved = changed(world.baseline, snapshot())
    assert moved, f"{method} {route.pattern} changed nothing: {visible_text(answer)[:500]}"


@pytest.mark.parametrize(("route", "method"), WRITES, ids=_id)
def test_a_sibling_write_changes_nothing(client, world, route, method):
    """Refused (404/403 for 驻马店's object, a 4xx from the API) and no row changed."""
    headers = as_sibling(client, world, route)
    answer = send(client, route, method, world, headers, as_sibling=True)
    assert_nothing_changed(world, route, f"{method} {route.pattern}")
    status = answer.status_code
    assert status < 500, (route.pattern, status)
    if route.pattern in PUBLIC:
        return
    if route.params:
        assert refused(route, status), f"{method} {route.pattern}: {status} for a sibling"
    elif route.is_api:
        assert status >= 400, (route.pattern, status, answer.content[:500])
