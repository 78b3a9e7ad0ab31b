"""Domain errors: a code for programs and a Chinese message for people."""


class DomainError(Exception):
    """A refusal the user can act on; the API maps it to 4xx, pages and imports show it."""

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    status = 403
