"""The API's answer shapes every app shares: one name each in the OpenAPI document."""

from ninja import Schema


class ErrorOut(Schema):
    """A ``DomainError``: its code, Chinese message and, when one field is at fault, the
    field's attribute name."""

    code: str
    message: str
    field: str | None = None


class NotFoundOut(Schema):
    """Something the caller may not see, answered exactly like something that does not
    exist."""

    detail: str
