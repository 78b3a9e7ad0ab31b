"""Who the worker is on the phone pages of every app: a signed link, then the browser session.

The worker portal has no password: a union officer hands a worker a link whose
token is the worker's id signed by Django's ``TimestampSigner`` with its own
salt (the night school's ``/training/m/enter/<token>/``, also as a QR code).
Opening it (``enter_portal``) puts the worker id in the browser's session,
which then identifies the worker on the phone pages of every app (night school,
station visits) until the browser session ends. The link works for
``PORTAL_LINK_TTL`` seconds; it cannot be forged or moved to another worker.
The salt and the session key are those the night school first used, so links
and sessions already handed out keep working.
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from gonghui.core.errors import DomainError

PORTAL_LINK_TTL = 7 * 24 * 3600
_SALT = "gonghui.training.portal"
_SESSION_KEY = "training_portal_worker"


@dataclass(frozen=True)
class WorkerActor:
    """The worker acting for themself on the portal (audited by name, no staff account)."""

    worker_id: int

    @property
    def username(self) -> str:
        return f"职工#{self.worker_id}"


def issue_portal_token(worker_id: int) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(worker_id))


def portal_url(request, worker_id: int) -> str:
    """The worker's sign-in link, absolute (it is sent to a phone or printed as a QR code),
    valid for ``PORTAL_LINK_TTL`` seconds from now."""
    return request.build_absolute_uri(
        reverse("training:m_enter", args=[issue_portal_token(worker_id)])
    )


def read_portal_token(token: str) -> int:
    """The worker id in a valid, unexpired portal link; ``DomainError`` otherwise."""
    return read_signed(token, salt=_SALT, max_age=PORTAL_LINK_TTL, what="链接")


def enter_portal(request, worker_id: int) -> None:
    """The browser now speaks for ``worker_id`` (a fresh session key: no fixation)."""
    request.session.cycle_key()
    request.session[_SESSION_KEY] = worker_id


def portal_worker_id(request) -> int | None:
    """The worker id this browser entered the portal with, if any (look the worker up
    through the members selectors: the worker may have been removed since)."""
    return request.session.get(_SESSION_KEY)


def read_signed(token: str, *, salt: str, max_age: int | None, what: str) -> int:
    """The integer a ``TimestampSigner`` of ``salt`` signed, not older than ``max_age``
    seconds (None: any age); ``DomainError`` naming ``what`` otherwise."""
    try:
        value = signing.TimestampSigner(salt=salt).unsign(token.strip(), max_age=max_age)
        return int(value)
    except signing.SignatureExpired:
        raise DomainError("token_expired", f"{what}已过期，请向工会工作人员重新获取") from None
    except (signing.BadSignature, ValueError):
        raise DomainError("token_invalid", f"无法识别的{what}") from None
