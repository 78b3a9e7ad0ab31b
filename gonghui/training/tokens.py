"""Signed token of a session's sign-in QR code (the worker's own portal link is
``gonghui.core.portal``'s).

A session's sign-in token is the session id signed by Django's
``TimestampSigner`` with its own salt; it works for ``SESSION_QR_TTL`` seconds
(one evening's class) and cannot be forged or moved to another session.
"""

from django.core import signing

from gonghui.core.portal import read_signed

SESSION_QR_TTL = 6 * 3600
_SESSION_SALT = "gonghui.training.session"


def issue_session_token(session_id: int) -> str:
    return signing.TimestampSigner(salt=_SESSION_SALT).sign(str(session_id))


def read_session_token(token: str) -> int:
    """The session id in a valid, unexpired sign-in QR code; ``DomainError`` otherwise."""
    return read_signed(token, salt=_SESSION_SALT, max_age=SESSION_QR_TTL, what="签到二维码")
