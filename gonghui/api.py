"""The /api/ root: token auth, domain errors as 4xx, one router per app."""

from typing import Any

from django.core.exceptions import ValidationError as ModelInvalid
from django.http import Http404, HttpRequest
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from gonghui.accounts.bearer import TokenAuth
from gonghui.core.errors import DomainError
from gonghui.core.middleware import UNREADABLE_UPLOAD
from gonghui.core.schemas import NUL_ERROR, NulRefusingParser, document_standard_answers
from gonghui.core.views import NOT_FOUND
from gonghui.culture.api import router as culture_router
from gonghui.members.api import router as workers_router
from gonghui.mutualaid.api import router as mutualaid_router
from gonghui.orgs.api import router as orgs_router
from gonghui.programs.api import checkins_router, points_router, programs_router
from gonghui.reports.api import router as reports_router
from gonghui.rights.api import router as rights_router
from gonghui.stations.api import router as stations_router
from gonghui.training.api import router as training_router


class GonghuiAPI(NinjaAPI):
    """The API whose document also states the answers given before a handler runs (422,
    400, 401, 404), so a client following it meets no undocumented status."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        document = super().get_openapi_schema(*args, **kwargs)
        document_standard_answers(document)
        return document


api = GonghuiAPI(
    title="gonghui API",
    version="1",
    auth=TokenAuth(),
    urls_namespace="api",
    parser=NulRefusingParser(),
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError):
    return api.create_response(
        request, {"code": exc.code, "message": exc.message, "field": exc.field}, status=exc.status
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    """Outside the user's subtree or absent: one answer, without the exception's text."""
    return api.create_response(request, NOT_FOUND, status=404)


@api.exception_handler(ValidationError)
def request_invalid(request: HttpRequest, exc: ValidationError):
    """Malformed requests (wrong JSON types, values out of range) answered like domain
    errors, 422; a string holding NUL, which no database column can store, 400."""
    first = exc.errors[0] if exc.errors else {}
    loc = list(first.get("loc", ()))
    if loc[:1] == ["body"] and len(loc) > 2:
        del loc[1]  # the handler's argument name: the caller knows the body's fields only
    location = [str(part) for part in loc if part not in ("body", "query", "path")]
    field = ".".join(location) or None
    message = f"请求参数{field or ''}格式不正确：{first.get('msg', '')}".strip("：")
    errors = [
        {
            "code": error.get("type", "invalid"),
            "message": error.get("msg", ""),
            "field": ".".join(str(part) for part in error.get("loc", ())),
        }
        for error in exc.errors
    ]
    return api.create_response(
        request,
        {"code": "invalid_request", "message": message, "field": field, "errors": errors},
        status=400 if first.get("type") == NUL_ERROR else 422,
    )


@api.exception_handler(ModelInvalid)
def model_invalid(request: HttpRequest, exc: ModelInvalid):
    """A model's own validation (``full_clean`` in a service) refusing what the request
    schema let through, such as an empty name: the caller's mistake, not a 500."""
    field: str | None = None
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.message_dict.items()))
        message = f"{'' if field == '__all__' else field}：{'；'.join(errors)}".lstrip("：")
        field = None if field == "__all__" else field
    else:
        message = "；".join(exc.messages)
    return api.create_response(
        request, {"code": "invalid", "message": message, "field": field}, status=400
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    """ninja's own refusals: an unreadable body (400) in the project's error shape, the
    rest (401 without a valid token, 429) as ninja words them, as documented."""
    if exc.status_code == 400:
        body = {"code": "bad_request", "message": "请求内容无法解析（须为 JSON）", "field": None}
        return api.create_response(request, body, status=400)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(MultiPartParserError)
def upload_unreadable(request: HttpRequest, exc: MultiPartParserError):
    """An upload whose multipart body cannot be read (no boundary, cut short) is the
    caller's mistake, said in the project's error shape."""
    return api.create_response(
        request,
        {
            "code": "bad_upload",
            "message": UNREADABLE_UPLOAD,
        },
        status=400,
    )


api.add_router("/checkins", checkins_router)  # first: the busiest route resolves soonest
api.add_router("/orgs", orgs_router)
api.add_router("/workers", workers_router)
api.add_router("/programs", programs_router)
api.add_router("/points", points_router)
api.add_router("/stations", stations_router)
api.add_router("/mutualaid", mutualaid_router)
api.add_router("/rights", rights_router)
api.add_router("/training", training_router)
api.add_router("/culture", culture_router)
api.add_router("/reports", reports_router)


@api.get("/health", auth=None, url_name="health", summary="健康检查")
def health(request: HttpRequest):
    """Liveness for load balancers; touches no database."""
    return {"status": "ok"}
