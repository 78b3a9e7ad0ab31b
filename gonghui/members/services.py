"""Every write to the worker registry: single edits and whole rosters share one path.

``save_workers`` is the only code that inserts or updates workers; the
console form, the API and the importer all reach it through ``prepare_worker``
(validation) and ``save_workers`` (scope, de-duplication, audit, transfers).
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.audit.services import record_event
from gonghui.core.crypto import decrypt
from gonghui.core.errors import DomainError
from gonghui.members.models import Transfer, Worker
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
from gonghui.core.chinese import name_keys

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
) -> tuple[PreparedWorker | None, list[DomainError]]:
    """Validate one worker's fields; return the prepared worker or every field's error."""
    errors: list[DomainError] = []

    def attempt(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            errors.append(exc)
            return None

    clean = attempt(clean_name, name)
    number = attempt(clean_id, id_number)
    phone_clean = attempt(clean_phone, phone)
    code = str(org_code).strip()
    if not code:
        errors.append(DomainError("required", "工会组织代码不能为空", field="工会组织代码"))
    elif code not in refs:
        errors.append(
            DomainError(
                "unknown_org", f"工会组织代码“{code}”不存在或不在您的管辖范围内", field="工会组织代码"
            )
        )
    employer_name = employer_name.strip()
    credit = ""
    if uscc.strip():
        credit = attempt(clean_uscc, uscc) or ""
        if not employer_name:
            errors.append(
                DomainError("required", "填写统一社会信用代码时须填写工作单位", field="工作单位")
            )
    elif employer_name:
        errors.append(
            DomainError("required", "填写工作单位时须填写统一社会信用代码", field="统一社会信用代码")
        )
    bits = categories if isinstance(categories, int) else attempt(clean_categories, categories)
    joined = attempt(clean_joined_on, joined_on, birth=number.birth_date) if number else None
    if errors:
        return None, errors
    simple, pinyin, initials = name_keys(clean)
    prepared = PreparedWorker(
        clean, simple, pinyin, initials, number, phone_clean, code, employer_name, credit, bits, joined
    )
    if number.region_name is None:
        prepared.warnings.append(
            f"身份证号地区码{number.region_code}不在行政区划代码表中（代码表可能不全），已接受"
        )
    return prepared, []


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
    "name", "name_simple", "name_pinyin", "name_initials", "id_cipher", "id_index", "id_masked",
    "id_last4", "birth_date", "sex", "birth_region_code", "birth_region_name", "phone_cipher",
    "phone_masked", "org_id", "org_path", "employer_id", "categories", "is_member", "joined_on",
    "import_run_id", "created_at", "updated_at",
)  # fmt: skip
_UPDATE_COLUMNS = (
    "name", "name_simple", "name_pinyin", "name_initials", "phone_cipher", "phone_masked",
    "org_id", "org_path", "employer_id", "categories", "is_member", "joined_on", "updated_at",
)  # fmt: skip


def _existing(indexes: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    fields = ("id", "id_index", "name", "phone_cipher", "org_id", "org_path", "employer_id")
    fields += ("categories", "is_member", "joined_on")
    for start in range(0, len(indexes), 5000):
        chunk = indexes[start : start + 5000]
        for row in Worker.objects.filter(id_index__in=chunk).values(*fields):
            blob = row.pop("phone_cipher")
            row["phone"] = decrypt(blob, purpose=PHONE_PURPOSE) if blob else ""
            found[row["id_index"]] = row
    return found


def save_workers(
    *,
    by,
    prepared: list[PreparedWorker],
    refs: dict[str, OrgRef],
    import_run_id: int | None = None,
    client_ip: str | None = None,
    dry_run: bool = False,
) -> SaveResult:
    """Insert new workers and update known ones (same ID number = same worker).

    Must run inside the caller's transaction. Writes nothing when any worker
    exists outside ``by``'s subtree (reported in ``refused``) or when ``dry_run``.
    A changed union is recorded as a transfer; every update is audited with
    masked before/after values.
    """
    if not by.can("write_workers"):
        raise DomainError("forbidden", "您的角色不能修改职工信息")
    result = SaveResult()
    indexes = [p.id_index for p in prepared]
    existing = _existing(indexes)
    for position, index in enumerate(indexes):
        row = existing.get(index)
        if row and not row["org_path"].startswith(by.scope_path):
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
    inserts, updates, transfers, events = [], [], [], []
    for p, index in zip(prepared, indexes, strict=True):
        ref = refs[p.org_code]
        employer_id = employer_ids.get(p.uscc) if p.uscc else None
        is_member = p.joined_on is not None
        joined = ops.adapt_datefield_value(p.joined_on)
        old = existing.get(index)
        if old is None:
            number = p.id_number
            inserts.append((
                p.name, p.simple, p.pinyin, p.initials, p.id_cipher(), index, number.masked,
                number.last4, ops.adapt_datefield_value(number.birth_date), number.sex,
                number.region_code, number.region_name or "", p.phone_cipher(), p.phone_masked,
                ref.id, ref.path, employer_id, p.categories, is_member, joined, import_run_id,
                now, now,
            ))  # fmt: skip
            continue
        new = {
            "name": p.name, "phone": p.phone, "org_id": ref.id, "employer_id": employer_id,
            "categories": p.categories, "is_member": is_member, "joined_on": p.joined_on,
        }  # fmt: skip
        if p.uscc and employer_id is None:  # dry run: the employer would be new
            new["employer_id"] = -1
        changed = [k for k in _COMPARED if old[k] != new[k]]
        if not changed:
            result.unchanged += 1
            result.worker_ids.append(old["id"])
            continue
        result.updated += 1
        result.worker_ids.append(old["id"])
        updates.append((
            p.name, p.simple, p.pinyin, p.initials, p.phone_cipher(), p.phone_masked, ref.id,
            ref.path, employer_id, p.categories, is_member, joined, now, old["id"],
        ))  # fmt: skip
        if old["org_id"] != ref.id:
            transfers.append(
                Transfer(worker_id=old["id"], from_org_id=old["org_id"], to_org_id=ref.id, by=by)
            )
        events.append(
            AuditEvent(
                actor=by, actor_name=by.username, action="update", object_type="worker",
                object_id=str(old["id"]), org_path=ref.path, client_ip=client_ip,
                before=_masked_diff(old, changed), after=_masked_diff(new, changed),
            )  # fmt: skip
        )
    result.created = len(inserts)
    if dry_run:
        return result
    table = Worker._meta.db_table
    with connection.cursor() as cursor:
        if inserts:
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(_INSERT_COLUMNS)}) "
                f"VALUES ({', '.join(['%s'] * len(_INSERT_COLUMNS))})",
                inserts,
            )
        if updates:
            cursor.executemany(
                f"UPDATE {table} SET {', '.join(c + ' = %s' for c in _UPDATE_COLUMNS)} "
                "WHERE id = %s",
                updates,
            )
    Transfer.objects.bulk_create(transfers, batch_size=1000)
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return result


def _masked_diff(values: dict, changed: list[str]) -> dict:
    out = {}
    for key in changed:
        value = values[key]
        if key == "phone":
            value = value[:3] + "****" + value[-4:] if value else ""
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        out[key] = value
    return out


@transaction.atomic
def save_worker(*, by, prepared: PreparedWorker, refs: dict[str, OrgRef], client_ip=None) -> Worker:
    """Create or update one worker (console form, API); audited like an import."""
    result = save_workers(by=by, prepared=[prepared], refs=refs, client_ip=client_ip)
    if result.refused:
        raise DomainError("out_of_scope", OUT_OF_SCOPE, field="身份证号")
    worker = Worker.objects.get(id_index=prepared.id_index)
    if result.created:
        record_event(
            actor=by, action="create", object_type="worker", object_id=worker.pk,
            org_path=worker.org_path, client_ip=client_ip,
            after={"name": worker.name, "id": worker.id_masked, "org": prepared.org_code},
        )  # fmt: skip
    return worker


@transaction.atomic
def reveal_id_number(*, by, worker: Worker, client_ip: str | None = None) -> str:
    """The clear ID number, for a user with ``unmask`` in scope; always audited."""
    if not by.can("unmask") or not worker.org_path.startswith(by.scope_path or "\0"):
        raise DomainError("forbidden", "无权查看完整身份证号")
    record_event(
        actor=by, action="unmask", object_type="worker", object_id=worker.pk,
        org_path=worker.org_path, client_ip=client_ip, after={"field": "身份证号"},
    )  # fmt: skip
    return decrypt(worker.id_cipher, purpose=ID_PURPOSE)
