"""The token in a station's own QR code (the poster on its wall).

It is the station id signed by Django's ``Signer`` with its own salt, without
a time limit (the poster is printed once): a worker can record a visit only at
a station whose code they have scanned, not at any station by counting ids.
"""

from django.core import signing

from gonghui.core.errors import DomainError

_SALT = "gonghui.stations.visit"


def issue_visit_token(station_id: int) -> str:
    return signing.Signer(salt=_SALT).sign(str(station_id))


def read_visit_token(token: str) -> int:
    """The station id in a genuine station QR code; ``DomainError`` otherwise."""
    try:
        return int(signing.Signer(salt=_SALT).unsign(token.strip()))
    except (signing.BadSignature, ValueError):
        raise DomainError("token_invalid", "无法识别的驿站二维码") from None
