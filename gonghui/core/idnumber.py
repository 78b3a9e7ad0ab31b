"""Resident ID numbers (居民身份证号, GB 11643): normalise, validate, derive.

The checks are python-stdnum's (length, digits, checksum, birth date), run
here without ``stdnum.cn.ric.validate``'s birth-place rule, which rejects real
people: a number is issued when the first card is made, often years after
birth, so a region code created after the birth date is valid, and a code
since abolished is valid too (python-stdnum issue 442). A code the table does
not know is reported as a warning, never a rejection, because the table may be
incomplete and a real person must not be refused for that.
"""

import datetime
import unicodedata
from dataclasses import dataclass

from stdnum.cn import ric

from gonghui.core.errors import DomainError
from gonghui.core.regions import region_name, region_table

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK = "10X98765432"
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class IdNumber:
    """A validated ID number and what it tells about its holder."""

    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"
    region_code: str
    region_name: str | None  # None: code unknown to the table (a warning)

    @property
    def masked(self) -> str:
        return mask_id(self.number)

    @property
    def last4(self) -> str:
        return self.number[-4:]


def normalise_id(raw: object) -> str:
    """NFKC (full-width digits), strip spaces, upper-case the final x."""
    return unicodedata.normalize("NFKC", str(raw)).strip().replace(" ", "").upper()


def check_digit(first17: str) -> str:
    """GB 11643 check digit (ISO 7064 MOD 11-2), in plain Python for speed."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def parse_id(raw: object, *, today: datetime.date | None = None) -> IdNumber:
    """Validate an ID number; raise ``DomainError`` with a Chinese reason."""
    number = normalise_id(raw)
    if len(number) != 18:
        raise DomainError("id_length", f"身份证号应为18位，实际为{len(number)}位")
    if not _DIGITS.issuperset(number[:17]) or not (number[17] in _DIGITS or number[17] == "X"):
        raise DomainError("id_format", "身份证号前17位须为数字，末位为数字或X")
    if number[17] != check_digit(number[:17]):
        raise DomainError("id_checksum", "身份证号校验位不正确")
    try:
        birth = ric.get_birth_date(number)
    except Exception as exc:
        raise DomainError("id_birth_date", "身份证号中的出生日期不存在") from exc
    if birth > (today or datetime.date.today()) or birth.year < 1900:
        raise DomainError("id_birth_date", f"身份证号中的出生日期{birth.isoformat()}不合理")
    code = number[:6]
    name = region_name(code, birth.year) if code in region_table() else None
    sex = "M" if int(number[16]) % 2 else "F"
    return IdNumber(number, birth, sex, code, name)


def mask_id(number: str) -> str:
    """``4101**********123X``: enough to recognise, not enough to use."""
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "*" * len(phone)
