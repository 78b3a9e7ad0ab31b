"""Reads of the worker registry, always scoped to the acting user."""

import datetime
import re
from collections import Counter
from collections.abc import Sequence

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from gonghui.accounts.models import User
from gonghui.core.chinese import simplified
from gonghui.core.crypto import blind_index_candidates, blind_indexes_all_keys, decrypt
from gonghui.core.idnumber import normalise_id, parse_id
from gonghui.core.indicators import Under
from gonghui.core.plain_select import from_row, select_list
from gonghui.core.scoping import scope_of
from gonghui.members.categories import BY_NAME, NEW_EMPLOYMENT_FORM, NEW_EMPLOYMENT_FORM_BITS
from gonghui.members.models import OutdoorWorkerCount, Transfer, Worker
from gonghui.members.validation import ID_PURPOSE
from gonghui.orgs.models import Employer

_LETTERS = re.compile(r"^[a-z]+$")
# 15 characters and more: an old 15-digit number, or all of a new one but a digit or two.
_ID_LIKE = re.compile(r"^\d{14,17}[\dX]$")


def workers_visible_to(
    user: User,
    *,
    q: str = "",
    org_path: str | None = None,
    category: str = "",
    member: bool | None = None,
) -> QuerySet[Worker]:
    """Workers in the user's subtree, filtered; ``q`` is a name (either script), pinyin or
    initials.

    ``q`` comes in a URL (the list's GET form, the API's query string), which access logs,
    browser history and Referer headers keep: a ``q`` that looks like an ID number finds
    nobody, and the whole-number search is ``members.services.find_worker_by_id_number``,
    posted. Parts of a number (the last 4, a birth date) are not searchable either,
    because answering "whose number ends in 113X?" would give away the characters the
    mask hides (``core.disclosure``)."""
    workers: QuerySet[Worker] = Worker.objects.visible_to(user).select_related("org", "employer")
    if org_path:
        workers = workers.filter(org_path__subtree=org_path)
    if category == NEW_EMPLOYMENT_FORM:
        workers = workers.extra(where=["(categories & %s) != 0"], params=[NEW_EMPLOYMENT_FORM_BITS])
    elif category in BY_NAME:
        workers = workers.extra(where=["(categories & %s) != 0"], params=[BY_NAME[category].bit])
    if member is not None:
        workers = workers.filter(is_member=member)
    q = q.strip()
    if q:
        workers = workers.filter(_search(q))
    return workers


def _search(q: str) -> Q:
    lowered = q.lower().replace(" ", "")
    if _LETTERS.match(lowered):
        return Q(name_initials__startswith=lowered) | Q(name_pinyin__startswith=lowered)
    if looks_like_id_number(q):
        return Q(pk__in=[])
    return Q(name_simple__contains=simplified(q.strip()))


def looks_like_id_number(q: str) -> bool:
    """Whether ``q`` is (nearly) a whole ID number: what a search in a URL must not carry."""
    return bool(_ID_LIKE.match(normalise_id(q)))


def worker_for(user: User, pk: int) -> Worker:
    """One worker in the user's subtree, or 404."""
    try:
        return workers_visible_to(user).get(pk=pk)
    except Worker.DoesNotExist:
        raise Http404 from None


def transfers_of(user: User, worker: Worker) -> QuerySet[Transfer]:
    if not user.scope_path:
        return Transfer.objects.none()
    return Transfer.objects.filter(
        worker=worker, worker__org_path__subtree=user.scope_path
    ).select_related("from_org", "to_org", "by")


def worker_counts_by_path(user: User, *, under: str, categories: int = 0) -> Counter:
    """Workers per org path in the user's part of ``under``, in one grouped query;
    with ``categories`` (bits), only workers in at least one of them.

    A worker belongs to exactly one org, so these counts add up the tree exactly.
    """
    workers = workers_visible_to(user, org_path=under)
    if categories:
        workers = workers.extra(where=["(categories & %s) != 0"], params=[categories])
    rows = workers.order_by().values_list("org_path")
    return Counter(dict(rows.annotate(n=Count("id"))))


def outdoor_workers_by_workplace(under: Under) -> list[tuple[str, tuple | None, int]]:
    """(org path, employer's WGS-84 (lat, lng) or None, outdoor workers) ``under`` an org
    (``Under``), for a figure that takes no user; None also for workers without an employer.

    Read from the rollup (``OutdoorWorkerCount``, a row per org × employer) joined to the
    employers' locations in one grouped statement, never from the registry itself. The
    join is written out because the rollup's ``employer_id`` is no foreign key (0 stands
    for none; see the model); the ORM still builds the scope cut it wraps."""
    rows = OutdoorWorkerCount.objects.filter(**under.filter())
    inner, params = rows.values("org_path", "employer_id", "workers").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.org_path, e.lat, e.lng, SUM(r.workers) FROM ({inner}) r "
            f"LEFT JOIN {Employer._meta.db_table} e ON e.id = r.employer_id "
            "GROUP BY r.org_path, e.lat, e.lng",
            params,
        )
        return [
            (path, (lat, lng) if lat is not None else None, int(n))
            for path, lat, lng, n in cursor.fetchall()
        ]


# What a service decides on; every check-in reads these, and only these, of the worker.
_SERVICE_FIELDS = (
    "id",
    "name",
    "org",
    "org_path",
    "birth_year",
    "id_cipher",
    "categories",
    "is_member",
)


def worker_for_service(worker_id: int, *, within_path: str) -> Worker | None:
    """A worker anywhere in a program's subtree, for the program's own check-in.

    Service-point staff serve every eligible worker of the program, not only
    those of their own org, so the program's subtree is the scope here; the
    caller shows nothing of the worker but a masked name. One plain statement
    loading only what a service decides on: every check-in makes this read.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {service_worker_columns('w')} FROM {Worker._meta.db_table} w WHERE w.id = %s",
            [worker_id],
        )
        row = cursor.fetchone()
    return None if row is None else service_worker_from_row(row, 0, within_path=within_path)[0]


def service_worker_columns(alias: str) -> str:
    """The columns ``worker_for_service`` reads, for a statement that reads the worker
    beside other things (a clerk's check-in reads its point and program with it)."""
    return select_list(Worker, alias, _SERVICE_FIELDS)


def service_worker_from_row(
    row: Sequence, start: int, *, within_path: str
) -> tuple[Worker | None, int]:
    """The worker in ``row`` from ``start`` (None when absent or outside ``within_path``)
    and where the next columns begin."""
    worker, end = from_row(Worker, row, start, _SERVICE_FIELDS)
    if worker is not None and not worker.org_path.startswith(within_path):
        worker = None
    return worker, end


def worker_by_id_number(number: str, *, within_path: str) -> Worker | None:
    """Exact lookup through the blind index, inside a subtree."""
    indexes = blind_index_candidates(number, purpose=ID_PURPOSE)
    return Worker.objects.filter(id_index__in=indexes, org_path__subtree=within_path).first()


def worker_visible_by_id_number(user: User, number: str) -> Worker | None:
    """``worker_by_id_number`` in the user's subtree (None for a user without one)."""
    scope = scope_of(user)
    return worker_by_id_number(number, within_path=scope) if scope else None


def worker_birth_date(worker: Worker) -> datetime.date:
    """The exact birth date, for an age rule: stored only inside the ID's ciphertext, so
    it is read from there and never shown (the registry keeps the birth year)."""
    return parse_id(decrypt(worker.id_cipher, purpose=ID_PURPOSE)).birth_date


def mask_name(name: str) -> str:
    """张*青 / 张*: what a service point may see of a worker."""
    if len(name) <= 2:
        return name[:1] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def workers_by_id_numbers(numbers: list[str], *, within_path: str) -> dict[str, Worker]:
    """Exact lookups of many normalised ID numbers at once (an import), inside a subtree:
    number → worker, for those found."""
    by_index = blind_indexes_all_keys(dict.fromkeys(numbers), purpose=ID_PURPOSE)
    indexes = list(by_index)
    found: dict[str, Worker] = {}
    for start in range(0, len(indexes), 900):  # SQLite's bound-parameter limit
        batch = Worker.objects.filter(
            id_index__in=indexes[start : start + 900], org_path__subtree=within_path
        ).only("id", "name", "id_index", "org_path")
        found.update((by_index[w.id_index], w) for w in batch)
    return found


def workers_visible_by_id_numbers(user: User, numbers: list[str]) -> dict[str, Worker]:
    """``workers_by_id_numbers`` in the user's subtree (none for a user without one)."""
    scope = scope_of(user)
    return workers_by_id_numbers(numbers, within_path=scope) if scope else {}
