"""Cleaning a worker's fields: one set of rules for the form, the API and the importer.

Each function raises ``DomainError`` whose ``field`` is the attribute it cleans (the
keyword of ``prepare_worker``: ``id_number``, ``joined_on`` …; the importer maps it to the
roster's column, a form to its field), and whose message is what the person should fix.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from gonghui.core.crypto import blind_index, encrypt
from gonghui.core.dates import parse_date
from gonghui.core.errors import DomainError
from gonghui.core.idnumber import IdNumber, mask_phone, parse_id
from gonghui.members.categories import BY_NAME
from gonghui.members.models import ID_PURPOSE, PHONE_PURPOSE

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[、,，;；\s]+")


def clean_name(value: str) -> str:
    name = unicodedata.normalize("NFKC", value).strip()
    if not name:
        raise DomainError("required", "姓名不能为空", field="name")
    if len(name) > 50:
        raise DomainError("too_long", "姓名超过50个字", field="name")
    return name


def clean_id(value: object, *, today: datetime.date | None = None) -> IdNumber:
    if isinstance(value, float):
        raise DomainError(
            "id_as_number",
            "身份证号被Excel存成了数字，末几位已丢失；请把该列设为“文本”后重新录入",
            field="id_number",
        )
    try:
        return parse_id(value, today=today)
    except DomainError as exc:
        raise DomainError(exc.code, exc.message, field="id_number") from None


def clean_phone(value: str) -> str:
    phone = value if value.isascii() else unicodedata.normalize("NFKC", value)
    phone = phone.strip().replace(" ", "").replace("-", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if phone and not _PHONE.match(phone):
        raise DomainError("bad_phone", f"手机号码“{value}”应为11位，以1开头", field="phone")
    return phone


@lru_cache(maxsize=4096)  # a roster repeats a handful of spellings; errors are not cached
def clean_categories(value: str) -> int:
    bits = 0
    for name in filter(None, _SEPARATORS.split(unicodedata.normalize("NFKC", value).strip())):
        category = BY_NAME.get(name)
        if category is None:
            raise DomainError(
                "bad_category",
                f"职工类别“{name}”不在可选范围内（{'、'.join(BY_NAME)}）",
                field="categories",
            )
        bits |= category.bit
    return bits


def clean_joined_on(
    value: object, *, birth: datetime.date, today: datetime.date | None = None
) -> datetime.date | None:
    """``today`` defaults to the current date; an import passes it once for every row."""
    if value is None or str(value).strip() == "":
        return None
    joined = (
        _parse_joined(value)
        if value.__class__ is str
        else parse_date(value, field="joined_on", label="入会日期")
    )
    if joined > (today or datetime.date.today()):
        raise DomainError("future_date", f"入会日期{joined}晚于今天", field="joined_on")
    if joined < birth:
        raise DomainError("before_birth", f"入会日期{joined}早于出生日期", field="joined_on")
    return joined


@lru_cache(maxsize=65_536)  # the days of a roster repeat; a bad one raises and is not cached
def _parse_joined(text: str) -> datetime.date:
    return parse_date(text, field="joined_on", label="入会日期")


@dataclass
class PreparedWorker:
    """A validated worker as the database stores it; the clear ID lives only in memory."""

    name: str
    simple: str
    pinyin: str
    initials: str
    id_number: IdNumber
    phone: str
    org_code: str
    employer_name: str
    uscc: str
    categories: int
    joined_on: datetime.date | None
    warnings: list[str] = field(default_factory=list)

    @property
    def id_index(self) -> str:
        return blind_index(self.id_number.number, purpose=ID_PURPOSE)

    def id_cipher(self) -> bytes:
        return encrypt(self.id_number.number, purpose=ID_PURPOSE)

    def phone_cipher(self) -> bytes | None:
        return encrypt(self.phone, purpose=PHONE_PURPOSE) if self.phone else None

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone) if self.phone else ""
