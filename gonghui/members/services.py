"""Every write to the worker registry: single edits and whole rosters share one path.

``save_workers`` is the only code that inserts or updates workers; the
console form, the API and the importer all reach it through ``prepare_worker``
(validation) and ``save_workers`` (scope, de-duplication, audit, transfers).
"""

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.audit.chain import append as append_events
from gonghui.audit.models import AuditEvent
from gonghui.audit.services import record_event
from gonghui.core.chinese import name_keys
from gonghui.core.crypto import (
    blind_index_candidates,
    blind_indexes,
    blind_indexes_all_keys,
    decrypt,
    encrypt_many,
    keyring,
)
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.idnumber import mask_id, mask_phone, normalise_id
from gonghui.core.scoping import in_scope, require_in_scope, scope_of
from gonghui.members.models import Transfer, Worker
from gonghui.members.rollups import OutdoorDeltas, add_outdoor
from gonghui.members.selectors import worker_visible_by_id_number
from gonghui.members.validation import (
    ID_PURPOSE,
    PHONE_PURPOSE,
    PreparedWorker,
    clean_categories,
    clean_id,
    clean_joined_on,
    clean_name,
    clean_phone,
)
from gonghui.orgs.selectors import OrgRef, employers_by_uscc
from gonghui.orgs.services import clean_uscc, ensure_employers

OUT_OF_SCOPE = "此身份证号的职工已在您管辖范围以外的工会登记，请由共同的上级工会办理转会"


def prepare_worker(
    *,
    name: str,
    id_number: object,
    phone: str,
    org_code: str,
    employer_name: str,
    uscc: str,
    categories: str | int,
    joined_on: object,
    refs: dict[str, OrgRef],
    today: datetime.date | None = None,
) -> tuple[PreparedWorker | None, list[DomainError]]:
    """Validate one worker's fields; return the prepared worker or every field's error,
    each naming the keyword it is about (``field="joined_on"``).

    ``today`` (default: the current date) bounds birth and join dates; an
    import passes it once for all its rows. Every field is checked even after
    one fails, so a row's report names all its problems at once.
    """
    errors: list[DomainError] = []
    # One try per field rather than a helper taking a callable: this runs once
    # per row of a million-row roster, and the happy path should cost nothing extra.
    try:
        clean = clean_name(name)
    except DomainError as exc:
        clean = None
        errors.append(exc)
    try:
        number = clean_id(id_number, today=today)
    except DomainError as exc:
        number = None
        errors.append(exc)
    try:
        phone_clean = clean_phone(phone)
    except DomainError as exc:
        phone_clean = None
        errors.append(exc)
    code = str(org_code).strip()
    if not code:
        errors.append(DomainError("required", "工会组织代码不能为空", field="org_code"))
    elif code not in refs:
        errors.append(
            DomainError(
                "unknown_org",
                f"工会组织代码“{code}”不存在或不在您的管辖范围内",
                field="org_code",
            )
        )
    employer_name = employer_name.strip()
    credit = ""
    if uscc.strip():
        try:
            credit = _clean_uscc(uscc)
        except DomainError as exc:
            errors.append(exc)
        if not employer_name:
            errors.append(
                DomainError(
                    "required", "填写统一社会信用代码时须填写工作单位", field="employer_name"
                )
            )
    elif employer_name:
        errors.append(DomainError("required", "填写工作单位时须填写统一社会信用代码", field="uscc"))
    if isinstance(categories, int):
        bits = categories
    else:
        try:
            bits = clean_categories(categories)
        except DomainError as exc:
            bits = None
            errors.append(exc)
    joined = None
    if number:
        try:
            joined = clean_joined_on(joined_on, birth=number.birth_date, today=today)
        except DomainError as exc:
            errors.append(exc)
    if errors:
        return None, errors
    # A value is None only when its check failed, and that check's error is in ``errors``.
    assert clean is not None and number is not None and phone_clean is not None
    assert bits is not None
    simple, pinyin, initials = name_keys(clean)
    prepared = PreparedWorker(
        clean,
        simple,
        pinyin,
        initials,
        number,
        phone_clean,
        code,
        employer_name,
        credit,
        bits,
        joined,
    )
    if number.region_name is None:
        prepared.warnings.append(
            f"身份证号地区码{number.region_code}不在行政区划代码表中（代码表可能不全），已接受"
        )
    return prepared, []


# An employer's credit code recurs on every row of its workers; stdnum's check
# of it (three passes of its generic cleaning) costs more than the ID number's.
# A bad code raises and is not cached, so each bad row is still reported.
_clean_uscc = lru_cache(maxsize=65_536)(clean_uscc)


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    worker_ids: list[int] = field(default_factory=list)
    # (index in the input, message) for workers that exist outside the user's subtree
    refused: list[tuple[int, str]] = field(default_factory=list)


_COMPARED = ("name", "phone", "org_id", "employer_id", "categories", "is_member", "joined_on")
_INSERT_COLUMNS = (
    "name",
    "name_simple",
    "name_pinyin",
    "name_initials",
    "id_cipher",
    "id_index",
    "id_masked",
    "birth_year",
    "sex",
    "phone_cipher",
    "phone_masked",
    "org_id",
    "org_path",
    "employer_id",
    "categories",
    "is_member",
    "joined_on",
    "import_run_id",
    "created_at",
    "updated_at",
)
_UPDATE_COLUMNS = (
    "name",
    "name_simple",
    "name_pinyin",
    "name_initials",
    "phone_cipher",
    "phone_masked",
    "org_id",
    "org_path",
    "employer_id",
    "categories",
    "is_member",
    "joined_on",
    "updated_at",
)


def _older_indexes(numbers: list[str], indexes: list[str]) -> dict[str, str]:
    """Index under an older ring key → index under the current key, while a rotation
    (``gonghui keys rotate``) has not yet re-indexed every row; empty with one key."""
    if len(keyring()) == 1:
        return {}
    current = dict(zip(numbers, indexes, strict=True))
    return {
        old: current[number]
        for old, number in blind_indexes_all_keys(numbers, purpose=ID_PURPOSE).items()
        if old != current[number]
    }


def _existing(indexes: list[str], older: dict[str, str]) -> dict[str, dict]:
    """The stored workers among ``indexes`` (blind indexes, or ``older`` ones), by the
    current index.

    Plain SQL rather than ``filter(id_index__in=...)``: the ORM prepares each
    of the thousands of parameters in Python, which cost more than the lookup.
    The database driver returns the same types the ORM would (dates, booleans).
    """
    found: dict[str, dict] = {}
    fields: tuple[str, ...] = ("id", "id_index", "name", "phone_cipher", "org_id", "org_path")
    fields += ("employer_id", "categories", "is_member", "joined_on")
    select = f"SELECT {', '.join(fields)} FROM {Worker._meta.db_table} WHERE id_index IN "
    wanted = [*indexes, *older]
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), 5000):
            chunk = wanted[start : start + 5000]
            cursor.execute(select + f"({', '.join(['%s'] * len(chunk))})", chunk)
            for values in cursor.fetchall():
                row = dict(zip(fields, values, strict=True))
                blob = row.pop("phone_cipher")
                row["phone"] = decrypt(blob, purpose=PHONE_PURPOSE) if blob else ""
                row["is_member"] = bool(row["is_member"])
                found[older.get(row["id_index"], row["id_index"])] = row
    return found


def save_workers(
    *,
    by: User,
    prepared: list[PreparedWorker],
    refs: dict[str, OrgRef],
    import_run_id: int | None = None,
    client_ip: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> SaveResult:
    """Insert new workers and update known ones (same ID number = same worker).

    Must run inside the caller's transaction. Writes nothing when any worker
    exists outside ``by``'s subtree (reported in ``refused``) or when ``dry_run``.
    A changed union is recorded as a transfer; every update is audited with
    masked before/after values. The outdoor-worker rollup (``members.rollups``) moves
    with the rows, one grouped upsert per slice written. ``progress(done, total)`` is
    called as rows are written.
    """
    if not by.can("write_workers"):
        raise PermissionDenied("forbidden", "您的角色不能修改职工信息")
    result = SaveResult()
    numbers = [p.id_number.number for p in prepared]
    indexes = blind_indexes(numbers, purpose=ID_PURPOSE)
    existing = _existing(indexes, _older_indexes(numbers, indexes))
    for position, index in enumerate(indexes):
        row = existing.get(index)
        if row and not in_scope(by, row["org_path"]):
            result.refused.append((position, OUT_OF_SCOPE))
    if result.refused:
        return result

    employers = {}
    for p in prepared:
        if p.uscc and p.uscc not in employers:
            employers[p.uscc] = (p.employer_name, refs[p.org_code].county_id)
    if dry_run:
        employer_ids = employers_by_uscc(list(employers))
    else:
        employer_ids = ensure_employers(by=by, employers=employers) if employers else {}

    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    table = Worker._meta.db_table
    insert_sql = (
        f"INSERT INTO {table} ({', '.join(_INSERT_COLUMNS)}) "
        f"VALUES ({', '.join(['%s'] * len(_INSERT_COLUMNS))})"
    )
    update_sql = (
        f"UPDATE {table} SET {', '.join(c + ' = %s' for c in _UPDATE_COLUMNS)} WHERE id = %s"
    )
    transfers, events = [], []
    total = len(prepared)
    # Written a slice at a time so that a million-row roster never holds all
    # its ciphertexts and parameter tuples at once, and progress can be shown.
    for start in range(0, total, _WRITE_CHUNK):
        new, updates = [], []
        outdoor = OutdoorDeltas()  # what this slice changes in the outdoor rollup
        end = start + _WRITE_CHUNK
        for p, index in zip(prepared[start:end], indexes[start:end], strict=True):
            ref = refs[p.org_code]
            employer_id = employer_ids.get(p.uscc) if p.uscc else None
            is_member = p.joined_on is not None
            old = existing.get(index)
            if old is None:
                new.append((p, index, ref, employer_id, is_member))
                outdoor.add_worker(
                    org_id=ref.id,
                    org_path=ref.path,
                    employer_id=employer_id,
                    categories=p.categories,
                    by=1,
                )
                continue
            changed_to = {
                "name": p.name,
                "phone": p.phone,
                "org_id": ref.id,
                "employer_id": employer_id,
                "categories": p.categories,
                "is_member": is_member,
                "joined_on": p.joined_on,
            }
            if p.uscc and employer_id is None:  # dry run: the employer would be new
                changed_to["employer_id"] = -1
            changed = [k for k in _COMPARED if old[k] != changed_to[k]]
            result.worker_ids.append(old["id"])
            if not changed:
                result.unchanged += 1
                continue
            result.updated += 1
            # A change of categories, employer or union moves the worker between keys.
            outdoor.add_worker(
                org_id=old["org_id"],
                org_path=old["org_path"],
                employer_id=old["employer_id"],
                categories=old["categories"],
                by=-1,
            )
            outdoor.add_worker(
                org_id=ref.id,
                org_path=ref.path,
                employer_id=employer_id,
                categories=p.categories,
                by=1,
            )
            updates.append(
                (
                    p.name,
                    p.simple,
                    p.pinyin,
                    p.initials,
                    p.phone_cipher(),
                    p.phone_masked,
                    ref.id,
                    ref.path,
                    employer_id,
                    p.categories,
                    is_member,
                    ops.adapt_datefield_value(p.joined_on),
                    now,
                    old["id"],
                )
            )
            if old["org_id"] != ref.id:
                transfers.append(
                    Transfer(
                        worker_id=old["id"], from_org_id=old["org_id"], to_org_id=ref.id, by=by
                    )
                )
            event = AuditEvent(
                actor=by,
                actor_name=by.username,
                action="update",
                object_type="worker",
                object_id=str(old["id"]),
                org_path=ref.path,
                client_ip=client_ip,
                before=_masked_diff(old, changed),
                after=_masked_diff(changed_to, changed),
            )
            events.append(event)
        result.created += len(new)
        if dry_run:
            continue
        with connection.cursor() as cursor, _bulk_write_cache(cursor):
            if new:
                rows = _insert_rows(new, ops, now, import_run_id)
                if connection.vendor == "postgresql":
                    _copy_rows(cursor, table, rows)
                else:
                    cursor.executemany(insert_sql, rows)
            if updates:
                cursor.executemany(update_sql, updates)
        add_outdoor(outdoor)
        if progress:
            progress(min(end, total), total)
    if dry_run:
        return result
    Transfer.objects.bulk_create(transfers, batch_size=1000)
    append_events(events)
    return result


_WRITE_CHUNK = 20_000
# SQLite's default page cache is 2 MiB; a large roster inserts into nine
# indexes at random places and, with so small a cache, spends most of its time
# re-reading pages. The size is restored afterwards; durability is unchanged.
_SQLITE_IMPORT_CACHE_KIB = 256 * 1024


@contextmanager
def _bulk_write_cache(cursor: CursorWrapper) -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    cursor.execute("PRAGMA cache_size")
    (before,) = cursor.fetchone()
    cursor.execute(f"PRAGMA cache_size = -{_SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _copy_rows(cursor, table: str, rows: list[tuple]) -> None:
    """PostgreSQL: insert with COPY, several times faster than a multi-row INSERT."""
    sql = f"COPY {table} ({', '.join(_INSERT_COLUMNS)}) FROM STDIN"
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _insert_rows(new: list[tuple], ops, now, import_run_id: int | None) -> list[tuple]:
    """Parameter rows for ``_INSERT_COLUMNS``, encrypting the chunk's numbers in one batch."""
    id_ciphers = encrypt_many([p.id_number.number for p, *_ in new], purpose=ID_PURPOSE)
    phone_ciphers = iter(encrypt_many([p.phone for p, *_ in new if p.phone], purpose=PHONE_PURPOSE))
    date = ops.adapt_datefield_value
    rows = []
    for (p, index, ref, employer_id, is_member), id_cipher in zip(new, id_ciphers, strict=True):
        number = p.id_number
        rows.append(
            (
                p.name,
                p.simple,
                p.pinyin,
                p.initials,
                id_cipher,
                index,
                number.masked,
                number.birth_date.year,
                number.sex,
                next(phone_ciphers) if p.phone else None,
                p.phone_masked,
                ref.id,
                ref.path,
                employer_id,
                p.categories,
                is_member,
                date(p.joined_on),
                import_run_id,
                now,
                now,
            )
        )
    return rows


def _masked_diff(values: dict, changed: list[str]) -> dict:
    out = {}
    for key in changed:
        value = values[key]
        if key == "phone":
            value = mask_phone(value)
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        out[key] = value
    return out


@transaction.atomic
def save_worker(
    *, by: User, prepared: PreparedWorker, refs: dict[str, OrgRef], client_ip: str | None = None
) -> Worker:
    """Create or update one worker (console form, API); audited like an import."""
    result = save_workers(by=by, prepared=[prepared], refs=refs, client_ip=client_ip)
    if result.refused:
        raise DomainError("out_of_scope", OUT_OF_SCOPE, field="id_number")
    number = prepared.id_number.number
    worker = Worker.objects.get(id_index__in=blind_index_candidates(number, purpose=ID_PURPOSE))
    if result.created:
        record_event(
            actor=by,
            action="create",
            object_type="worker",
            object_id=worker.pk,
            org_path=worker.org_path,
            client_ip=client_ip,
            after={"name": worker.name, "id": worker.id_masked, "org": prepared.org_code},
        )
    return worker


UPDATABLE = ("name", "phone", "org_code", "employer_name", "uscc", "categories", "joined_on")


def prepare_worker_update(
    *, worker: Worker, changes: dict, refs: dict[str, OrgRef]
) -> tuple[PreparedWorker | None, list[DomainError]]:
    """Validate an edit of ``worker``: its stored fields overlaid with ``changes``.

    ``changes`` uses ``prepare_worker``'s argument names (``UPDATABLE``); an
    ``id_number`` in it must be the same number, since the ID is the worker's
    identity. The stored ID and phone are decrypted here only to run the same
    validation as a create; they never leave the services.
    """
    sent_id = changes.pop("id_number", None)
    if sent_id is not None and worker.id_index not in blind_index_candidates(
        normalise_id(sent_id), purpose=ID_PURPOSE
    ):
        return None, [
            DomainError("id_immutable", "身份证号是职工的唯一标识，不能修改", field="id_number")
        ]
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    employer = worker.employer
    fields = {
        "name": worker.name,
        "phone": decrypt(worker.phone_cipher, purpose=PHONE_PURPOSE) if worker.phone_cipher else "",
        "org_code": worker.org.code,
        "employer_name": employer.name if employer is not None else "",
        "uscc": employer.uscc if employer is not None else "",
        "categories": worker.categories,
        "joined_on": worker.joined_on or "",
    } | changes
    return prepare_worker(
        id_number=decrypt(worker.id_cipher, purpose=ID_PURPOSE), refs=refs, **fields
    )


@transaction.atomic
def reveal_id_number(*, by: User, worker: Worker, client_ip: str | None = None) -> str:
    """The clear ID number, for a user with ``unmask`` in scope; always audited."""
    require_in_scope(by, "unmask", worker.org_path, "无权查看完整身份证号")
    record_event(
        actor=by,
        action="unmask",
        object_type="worker",
        object_id=worker.pk,
        org_path=worker.org_path,
        client_ip=client_ip,
        after={"field": "身份证号"},
    )
    return decrypt(worker.id_cipher, purpose=ID_PURPOSE)


@transaction.atomic
def find_worker_by_id_number(
    *, by: User, number: str, client_ip: str | None = None
) -> Worker | None:
    """The worker in ``by``'s subtree with this whole ID number, or None; always audited
    (who, when, the number masked, found or not), as a search confirms a number.

    Posted, never in a URL: callers take ``number`` from a request body only."""
    if not by.can("browse"):
        raise PermissionDenied("forbidden", "您的角色不能查询职工")
    clean = normalise_id(number)
    worker = worker_visible_by_id_number(by, clean)
    record_event(
        actor=by,
        action="id_search",
        object_type="worker",
        object_id=worker.pk if worker else "-",
        org_path=worker.org_path if worker else scope_of(by) or "",
        client_ip=client_ip,
        after={"身份证号": mask_id(clean) if len(clean) > 5 else "*", "found": worker is not None},
    )
    return worker


@transaction.atomic
def record_bad_rows_download(
    *, by: User, filename: str, rows: int, client_ip: str | None = None
) -> None:
    """Audit the download of an upload's bad rows: they hold the uploaded numbers in clear
    (to be corrected and imported again), so handing them out is a reveal like any other."""
    if not by.can("import"):
        raise PermissionDenied("forbidden", "您的角色不能导入名册")
    record_event(
        actor=by,
        action="unmask",
        object_type="import_upload",
        object_id=filename[:64],
        org_path=scope_of(by) or "",
        client_ip=client_ip,
        after={"field": "出错的行（含完整身份证号、手机号）", "rows": rows},
    )
