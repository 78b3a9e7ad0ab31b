"""Tokens that tell in-memory copies of data when to rebuild (see ``core.ChangeStamp``)."""

import secrets

from gonghui.core.models import ChangeStamp

_touched: set[str] = set()


def touch(key: str) -> None:
    """Give ``key`` a new token inside the caller's transaction; this process notices at once."""
    ChangeStamp.objects.update_or_create(key=key, defaults={"token": secrets.token_hex(16)})
    _touched.add(key)


def current(key: str) -> str:
    """The committed (or this transaction's) token of ``key``; "" before the first change."""
    _touched.discard(key)
    return ChangeStamp.objects.filter(key=key).values_list("token", flat=True).first() or ""


def touched_here(key: str) -> bool:
    """Whether this process changed ``key`` since it last read the token."""
    return key in _touched
