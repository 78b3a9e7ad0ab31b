"""The API's shared shapes and the ranges of its parameters, declared once.

Every id, amount, year, month, page and coordinate an API caller can send is typed
with one of the annotated types below, so the OpenAPI document states its range and
a value outside it is a 4xx naming the parameter before any query runs (a 2^64 id
overflowed SQLite's integer and an offset past 2^63 failed inside the database).
"""

import re
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser
from pydantic import AfterValidator, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from gonghui.core.periods import FIRST_YEAR, LAST_YEAR

MAX_ID = 2**63 - 1  # BigAutoField's largest value on every database we run
MAX_FEN = 10**13  # one hundred billion yuan: more than any sum the federation handles
MAX_COUNT = 2**31 - 1  # PositiveIntegerField's largest value
MAX_OFFSET = 2**31 - 1
MAX_LIMIT = 500
MONTH_PATTERN = r"^(19(49|[5-9]\d)|20\d\d|2100)-(0[1-9]|1[0-2])$"

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="编号")]
Fen = Annotated[int, Field(ge=0, le=MAX_FEN, description="金额（分）")]
PositiveFen = Annotated[int, Field(gt=0, le=MAX_FEN, description="金额（分）")]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
PositiveCount = Annotated[int, Field(ge=1, le=MAX_COUNT)]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR, description="年份")]
Month = Annotated[str, Field(pattern=MONTH_PATTERN, description="月份 YYYY-MM")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="跳过的条数")]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description="每页条数")]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, description="纬度")]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, description="经度")]

NUL_MESSAGE = "不能包含空字符（\\x00）"
NUL_ERROR = "nul_character"  # answered 400 by gonghui.api, as a body it cannot store


def _no_nul(value: Any) -> Any:
    """PostgreSQL refuses NUL in text; refusing it here names the field instead of failing
    inside the database (SQLite would have stored it)."""
    if isinstance(value, str) and "\x00" in value:
        raise PydanticCustomError(NUL_ERROR, NUL_MESSAGE)
    if isinstance(value, list | tuple | set):
        for item in value:
            _no_nul(item)
    if isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key)
            _no_nul(item)
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


class InSchema(Schema):
    """The base of every request body and query shape: no string field may hold NUL."""

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: Any, info: ValidationInfo) -> Any:
        return _no_nul(value)


class Pagination(LimitOffsetPagination):
    """Limit/offset pages whose offset and limit are bounded, so the database never sees a
    number it cannot hold."""

    class Input(Schema):
        limit: Limit = 100
        offset: Offset = 0


class NulRefusingParser(Parser):
    """Query strings and form fields holding NUL are refused naming the parameter, as
    request bodies are by ``InSchema``."""

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        for key, values in data.lists():
            if re.search("\x00", key) or any(
                isinstance(value, str) and "\x00" in value for value in values
            ):
                raise ValidationError(
                    [{"loc": ("query", key), "msg": NUL_MESSAGE, "type": NUL_ERROR}]
                )
        return super().parse_querydict(data, list_fields, request)


class ErrorOut(Schema):
    """A ``DomainError``: its code, Chinese message and, when one field is at fault, the
    field's attribute name."""

    code: str
    message: str
    field: str | None = None


class NotFoundOut(ErrorOut):
    """Something the caller may not see, answered exactly like something that does not
    exist: ``core.views.NOT_FOUND`` (code ``not_found``), whatever raised the 404."""


class RequestInvalidOut(ErrorOut):
    """A request the schema refuses (a value out of range, a wrong type): the first problem
    at the top level, every problem in ``errors``."""

    errors: list[ErrorOut]


class UnauthorizedOut(Schema):
    """No token, or a token that is no active account's."""

    detail: str


STANDARD_ANSWERS: dict[int, tuple[type[Schema], str]] = {
    400: (ErrorOut, "请求内容无法解析，或含空字符"),
    401: (UnauthorizedOut, "未登录或令牌无效"),
    404: (NotFoundOut, "不存在或不在您的管辖范围内"),
    422: (RequestInvalidOut, "请求参数超出范围或格式不正确"),
}


def document_standard_answers(document: dict[str, Any]) -> None:
    """Add to every operation of an OpenAPI ``document`` the answers the API gives before
    a handler runs, where the operation does not document them itself: 422 for a refused
    parameter, 400 for an unreadable body, 401 when a token is required, 404 for an
    object (or org code) the caller may not see, named in the path, query or body."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for model, _ in STANDARD_ANSWERS.values():
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(definition.pop("$defs", {}))
        components[model.__name__] = definition
    for methods in document.get("paths", {}).values():
        for operation in methods.values():
            parameters = operation.get("parameters", [])
            asked = {
                400: bool(parameters) or "requestBody" in operation,
                401: bool(operation.get("security")),
                404: bool(parameters) or "requestBody" in operation,
                422: bool(parameters) or "requestBody" in operation,
            }
            answers = operation.setdefault("responses", {})
            for status, (model, description) in STANDARD_ANSWERS.items():
                if asked[status] and status not in answers:
                    answers[status] = {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{model.__name__}"}
                            }
                        },
                    }
