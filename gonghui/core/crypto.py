"""Field encryption (AES-GCM) and HMAC blind indexes for personal numbers.

Ciphertext lets an authorised person see the number again; the blind index
lets the database find and de-duplicate a number without ever holding it.
Both keys derive from ``GONGHUI_FIELD_KEY`` with distinct labels, so leaking
the index key does not reveal the encryption key.
"""

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_NONCE = 12


@cache
def _keys(master: str) -> tuple[AESGCM, bytes]:
    raw = base64.b64decode(master)
    enc = hmac.new(raw, b"gonghui/encrypt", hashlib.sha256).digest()
    idx = hmac.new(raw, b"gonghui/blind-index", hashlib.sha256).digest()
    return AESGCM(enc), idx


def encrypt(value: str, *, purpose: str) -> bytes:
    """Nonce + AES-GCM ciphertext; ``purpose`` is bound as associated data."""
    aes, _ = _keys(settings.FIELD_KEY)
    nonce = os.urandom(_NONCE)
    return nonce + aes.encrypt(nonce, value.encode(), purpose.encode())


def decrypt(blob: bytes, *, purpose: str) -> str:
    aes, _ = _keys(settings.FIELD_KEY)
    blob = bytes(blob)
    return aes.decrypt(blob[:_NONCE], blob[_NONCE:], purpose.encode()).decode()


def blind_index(value: str, *, purpose: str) -> str:
    """Deterministic keyed hash (hex) for exact lookups and unique constraints."""
    _, key = _keys(settings.FIELD_KEY)
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()
