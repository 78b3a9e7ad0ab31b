"""/api/workers: the worker registry through the same selectors and services as the console."""

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from gonghui.core.errors import PermissionDenied
from gonghui.core.schemas import ErrorOut, Id, NotFoundOut, Pagination
from gonghui.core.views import client_ip
from gonghui.members.schemas import (
    IdSearchIn,
    ValidationErrorOut,
    WorkerCreateIn,
    WorkerOut,
    WorkerPatchIn,
)
from gonghui.members.selectors import worker_for, workers_visible_to
from gonghui.members.services import (
    find_worker_by_id_number,
    prepare_worker,
    prepare_worker_update,
    save_worker,
)
from gonghui.orgs.selectors import org_for, org_refs_visible_to

router = Router(tags=["职工"])

WRITE_ERRORS = {400: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut}


@router.get("", response=list[WorkerOut], url_name="worker_list", summary="职工列表")
@paginate(Pagination, max_limit=500)
def list_workers(
    request: HttpRequest,
    q: str = "",
    org: str | None = None,
    category: str = "",
    member: bool | None = None,
):
    """Workers in the caller's subtree. ``q``: name (simplified or traditional), pinyin or
    initials (an ID number finds nobody here: POST it to ``/api/workers/find``); ``org``:
    a union code in scope (its whole subtree; 404 outside scope); ``category``: a category
    name or 新就业形态劳动者."""
    org_path = org_for(request.auth, org).path if org else None
    return workers_visible_to(
        request.auth, q=q, org_path=org_path, category=category, member=member
    )


@router.post(
    "/find",
    response={200: WorkerOut, 403: ErrorOut, 404: NotFoundOut},
    summary="按身份证号查找职工",
)
def find_worker(request: HttpRequest, payload: IdSearchIn):
    """The worker with this whole ID number in the caller's subtree, else 404; audited.
    Posted so that the number stays out of URLs (access logs, proxies)."""
    worker = find_worker_by_id_number(
        by=request.auth, number=payload.id_number, client_ip=client_ip(request)
    )
    if worker is None:
        return Status(404, {"code": "not_found", "message": "未找到"})
    return worker


@router.get("/{worker_id}", response=WorkerOut, url_name="worker_detail", summary="职工详情")
def get_worker(request: HttpRequest, worker_id: Id):
    """One worker; 404 outside the caller's subtree."""
    return worker_for(request.auth, worker_id)


@router.post("", response={201: WorkerOut, **WRITE_ERRORS}, summary="登记职工")
def create_worker(request: HttpRequest, payload: WorkerCreateIn):
    """Register a worker. An ID number already registered updates that worker (same
    person), as a roster import would; one registered outside the caller's subtree is
    refused (400)."""
    _require_write(request)
    return _save(request, payload.dict(), status=201)


@router.patch("/{worker_id}", response={200: WorkerOut, **WRITE_ERRORS}, summary="修改职工")
def update_worker(request: HttpRequest, worker_id: Id, payload: WorkerPatchIn):
    """Change the fields sent; a new ``org`` is a transfer. The ID number cannot change."""
    _require_write(request)
    worker = worker_for(request.auth, worker_id)
    changes = {
        _SERVICE_NAMES.get(key, key): value
        for key, value in _blank_nulls(payload.dict(exclude_unset=True)).items()
    }
    if "categories" in changes:
        changes["categories"] = _categories(changes["categories"])
    refs = org_refs_visible_to(request.auth)
    prepared, errors = prepare_worker_update(worker=worker, changes=changes, refs=refs)
    return _saved_or_errors(request, prepared, errors, refs, status=200)


# API field names → the service's argument names
_SERVICE_NAMES = {"org": "org_code", "employer_uscc": "uscc"}
_API_NAMES = {service: api for api, service in _SERVICE_NAMES.items()}


def _api_name(field: str | None) -> str | None:
    """A refusal's ``field`` (a service keyword) as the payload attribute it is about."""
    return _API_NAMES.get(field, field) if field else field


def _require_write(request: HttpRequest) -> None:
    # Checked before validation so a read-only role never learns what would be accepted.
    if not request.auth.can("write_workers"):
        raise PermissionDenied("forbidden", "您的角色不能修改职工信息")


def _save(request: HttpRequest, fields: dict, *, status: int) -> Status:
    refs = org_refs_visible_to(request.auth)
    prepared, errors = prepare_worker(
        name=fields["name"],
        id_number=fields["id_number"],
        phone=fields["phone"],
        org_code=fields["org"],
        employer_name=fields["employer_name"],
        uscc=fields["employer_uscc"],
        categories=_categories(fields["categories"]),
        joined_on=fields["joined_on"],
        refs=refs,
    )
    return _saved_or_errors(request, prepared, errors, refs, status=status)


def _saved_or_errors(request: HttpRequest, prepared, errors, refs, *, status: int) -> Status:
    if errors:
        first = errors[0]
        return Status(
            422,
            {
                "code": first.code,
                "message": first.message,
                "field": _api_name(first.field),
                "errors": [
                    {"code": e.code, "message": e.message, "field": _api_name(e.field)}
                    for e in errors
                ],
            },
        )
    worker = save_worker(
        by=request.auth, prepared=prepared, refs=refs, client_ip=client_ip(request)
    )
    return Status(status, worker_for(request.auth, worker.pk))


def _categories(value: list[str] | int) -> str | int:
    return value if isinstance(value, int) else "、".join(value)


def _blank_nulls(changes: dict) -> dict:
    # null clears a text field; for joined_on it means "not a member".
    return {k: ("" if v is None and k != "joined_on" else v) for k, v in changes.items()}
