"""The two keys a deployment must bring, and why a key (or the audit retention) is refused.

``GONGHUI_SECRET_KEY`` signs sessions, CSRF tokens, union-card and portal links;
``GONGHUI_FIELD_KEY`` encrypts ID numbers and phones and keys their blind index.
Only the demo and the test suite run on the development keys below; everything
else (``gonghui serve`` above all) refuses to start without real ones. This
module imports nothing from Django: settings and ``gonghui.manage`` call it
before Django is set up, so a refusal is one line, not a traceback.
"""

import base64
import binascii
import string

DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"
# 32 bytes, base64 of readable text: the demo's and the tests' key, refused elsewhere.
DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="

SECRET_MIN_LENGTH = 50
FIELD_KEY_BYTES = 32
_PRINTABLE = set(string.printable.encode())


class KeyRefused(Exception):
    """A key is missing, a development default or too weak, or a setting the law bounds is
    out of its bounds; ``str()`` is the one-line reason."""


def field_key_bytes(text: str) -> bytes:
    """The raw field key from its text: 64 hex digits, else standard base64.

    Hex is tried first because 64 hex digits are also valid base64 (of 48 bytes).
    Raises ``ValueError`` when the text is neither.
    """
    text = text.strip()
    if len(text) == 2 * FIELD_KEY_BYTES and all(c in string.hexdigits for c in text):
        return bytes.fromhex(text)
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise ValueError("not base64 or hex") from error


def _refuse(zh: str, en: str) -> KeyRefused:
    return KeyRefused(f"gonghui 拒绝启动：{zh} / refusing to start: {en}")


def check_keys(secret_key: str, field_key: str) -> None:
    """Raise ``KeyRefused`` unless both keys are fit for production.

    The secret must have at least 50 characters (and 5 different ones, Django's own
    deploy check); the field key must decode to 32 bytes that are not all printable
    characters — random bytes are so with a chance of about 1e-14, a typed phrase
    always is.
    """
    if not secret_key:
        raise _refuse("未设置 GONGHUI_SECRET_KEY", "GONGHUI_SECRET_KEY is not set")
    if secret_key == DEV_SECRET_KEY:
        raise _refuse(
            "GONGHUI_SECRET_KEY 是开发用的默认值", "GONGHUI_SECRET_KEY is the development default"
        )
    if len(secret_key) < SECRET_MIN_LENGTH or len(set(secret_key)) < 5:
        raise _refuse(
            f"GONGHUI_SECRET_KEY 太短（至少 {SECRET_MIN_LENGTH} 个字符）",
            f"GONGHUI_SECRET_KEY is too short (at least {SECRET_MIN_LENGTH} characters)",
        )
    if not field_key:
        raise _refuse("未设置 GONGHUI_FIELD_KEY", "GONGHUI_FIELD_KEY is not set")
    if field_key.strip() == DEV_FIELD_KEY:
        raise _refuse(
            "GONGHUI_FIELD_KEY 是开发用的默认值", "GONGHUI_FIELD_KEY is the development default"
        )
    try:
        raw = field_key_bytes(field_key)
    except ValueError:
        raw = b""
    if len(raw) != FIELD_KEY_BYTES or set(raw) <= _PRINTABLE:
        raise _refuse(
            "GONGHUI_FIELD_KEY 必须是 32 个随机字节（base64 或 hex）",
            "GONGHUI_FIELD_KEY must be 32 random bytes, base64 or hex",
        )


def check_retention(text: str, minimum: int) -> int:
    """The days ``GONGHUI_AUDIT_RETENTION_DAYS`` says the audit log is kept; ``KeyRefused``
    unless it is a whole number of at least ``minimum`` (PIPL and 等保 level 3 ask for six
    months), so a deployment cannot start keeping less."""
    text = text.strip()
    if not text.isdigit() or int(text) < minimum:
        raise _refuse(
            f"GONGHUI_AUDIT_RETENTION_DAYS 须是不少于 {minimum} 的天数（审计日志至少保存六个月）",
            f"GONGHUI_AUDIT_RETENTION_DAYS must be a number of days, at least {minimum}",
        )
    return int(text)
