"""Signed tokens of the worker portal and of a session's sign-in QR code.

The worker portal has no password: a union officer hands a worker a link
(``/training/m/enter/<token>/``, also as a QR code) whose token is the
worker's id signed by Django's ``TimestampSigner`` with its own salt. Opening
it puts the worker id in the browser's session, which is then the worker's
identity on the ``/training/m/`` pages until the browser session ends. The
link works for ``PORTAL_LINK_TTL`` seconds; it cannot be forged or moved to
another worker. A session's sign-in token works the same way for
``SESSION_QR_TTL`` seconds (one evening's class).
"""

from django.core import signing

from gonghui.core.errors import DomainError

PORTAL_LINK_TTL = 7 * 24 * 3600
SESSION_QR_TTL = 6 * 3600
_PORTAL_SALT = "gonghui.training.portal"
_SESSION_SALT = "gonghui.training.session"


def issue_portal_token(worker_id: int) -> str:
    return signing.TimestampSigner(salt=_PORTAL_SALT).sign(str(worker_id))


def read_portal_token(token: str) -> int:
    """The worker id in a valid, unexpired portal link; ``DomainError`` otherwise."""
    return _read(token, _PORTAL_SALT, PORTAL_LINK_TTL, "链接")


def issue_session_token(session_id: int) -> str:
    return signing.TimestampSigner(salt=_SESSION_SALT).sign(str(session_id))


def read_session_token(token: str) -> int:
    """The session id in a valid, unexpired sign-in QR code; ``DomainError`` otherwise."""
    return _read(token, _SESSION_SALT, SESSION_QR_TTL, "签到二维码")


def _read(token: str, salt: str, ttl: int, what: str) -> int:
    try:
        return int(signing.TimestampSigner(salt=salt).unsign(token.strip(), max_age=ttl))
    except signing.SignatureExpired:
        raise DomainError("token_expired", f"{what}已过期，请向工会工作人员重新获取") from None
    except (signing.BadSignature, ValueError):
        raise DomainError("token_invalid", f"无法识别的{what}") from None
