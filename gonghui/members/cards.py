"""The QR token on a worker's union card: signed, short-lived, bound to one worker.

A token is ``<worker id>:<timestamp>:<signature>`` from Django's
``TimestampSigner`` with its own salt, so it cannot be forged or moved to
another worker, and it stops working ``CARD_TOKEN_TTL`` seconds after it was
shown: a screenshot replayed tomorrow is refused as expired.
"""

import datetime

from django.conf import settings
from django.core import signing

from gonghui.core.errors import DomainError

_SALT = "gonghui.programs.card"


def issue_card_token(worker_id: int) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(worker_id))


def read_card_token(token: str) -> int:
    """The worker id in a valid, unexpired token; ``DomainError`` card_expired / card_invalid."""
    signer = signing.TimestampSigner(salt=_SALT)
    try:
        return int(signer.unsign(token.strip(), max_age=settings.CARD_TOKEN_TTL))
    except signing.SignatureExpired:
        raise DomainError("card_expired", "工会卡二维码已过期，请职工刷新后重新出示") from None
    except (signing.BadSignature, ValueError):
        raise DomainError("card_invalid", "无法识别的二维码，请出示工会卡二维码") from None


def read_card_token_at(token: str, served_at: datetime.datetime, *, skew_seconds: int = 300) -> int:
    """The worker id in a token that was valid when the service was given (offline uploads).

    The token's age is measured from issue to ``served_at``, not to the upload:
    a card scanned offline at 07:12 and uploaded at noon is good, a screenshot
    shown a day after it was issued is still expired. ``skew_seconds`` allows a
    phone clock running a little behind the server's.
    """
    try:
        signed = signing.Signer(salt=_SALT).unsign(token.strip())
        value, stamp = signed.rsplit(":", 1)
        worker_id, issued = int(value), signing.b62_decode(stamp)
    except (signing.BadSignature, ValueError):
        raise DomainError("card_invalid", "无法识别的二维码，请出示工会卡二维码") from None
    age = served_at.timestamp() - issued
    if age > settings.CARD_TOKEN_TTL:
        raise DomainError("card_expired", "扫码时工会卡二维码已过期")
    if age < -skew_seconds:
        raise DomainError("card_invalid", "二维码的生成时间晚于所填服务时间")
    return worker_id
