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
from functools import lru_cache

from stdnum.cn import ric

from gonghui.core.errors import DomainError
from gonghui.core.regions import region_name, region_table

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
# Summing the ASCII codes instead of the digits adds 48 * sum(weights), taken back here.
_ASCII_OFFSET = 48 * sum(_WEIGHTS)
_CHECK = "10X98765432"


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


def normalise_id(raw: object) -> str:
    """NFKC (full-width digits), strip spaces, upper-case the final x."""
    text = str(raw)
    if not text.isascii():  # NFKC leaves ASCII as it is; skip the call for typed numbers
        text = unicodedata.normalize("NFKC", text)
    return text.strip().replace(" ", "").upper()


def check_digit(first17: str) -> str:
    """GB 11643 check digit (ISO 7064 MOD 11-2) of 17 ASCII digits, in plain Python for speed."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValueError(f"not 17 digits: {first17!r}")
    total = sum(map(int.__mul__, first17.encode(), _WEIGHTS)) - _ASCII_OFFSET
    return _CHECK[total % 11]


@lru_cache(maxsize=65_536)
def _birth_date(digits: str) -> datetime.date | None:
    """stdnum's birth-date rule for the 8 date digits (``YYYYMMDD``); None if no such day.

    Cached by those digits: ``ric.get_birth_date`` re-cleans the whole number
    on every call, which cost more than all the other checks together, and a
    roster has only some tens of thousands of distinct birthdays.
    """
    try:
        return ric.get_birth_date(f"000000{digits}0000")
    except Exception:
        return None


@lru_cache(maxsize=65_536)
def _region(code: str, year: int) -> str | None:
    return region_name(code, year) if code in region_table() else None


def parse_id(raw: object, *, today: datetime.date | None = None) -> IdNumber:
    """Validate an ID number; raise ``DomainError`` with a Chinese reason."""
    number = normalise_id(raw)
    if len(number) != 18:
        raise DomainError("id_length", f"身份证号应为18位，实际为{len(number)}位")
    first17, last = number[:17], number[17]
    # isascii() too: str.isdigit() accepts other scripts' digits, which NFKC leaves alone.
    if not (number.isascii() and first17.isdigit() and (last.isdigit() or last == "X")):
        raise DomainError("id_format", "身份证号前17位须为数字，末位为数字或X")
    if last != check_digit(first17):
        raise DomainError("id_checksum", "身份证号校验位不正确")
    birth = _birth_date(number[6:14])
    if birth is None:
        raise DomainError("id_birth_date", "身份证号中的出生日期不存在")
    if birth > (today or datetime.date.today()) or birth.year < 1900:
        raise DomainError("id_birth_date", f"身份证号中的出生日期{birth.isoformat()}不合理")
    code = number[:6]
    sex = "M" if number[16] in "13579" else "F"
    return IdNumber(number, birth, sex, code, _region(code, birth.year))


def mask_id(number: str) -> str:
    """``4101*************X``: the city and the check digit, nothing more.

    Shown beside the holder's sex and birth year (the most anyone without the reveal
    permission sees), this leaves at least 16,591 possible numbers even for a city
    with a single county code (``core.disclosure``); the last 4 with the birth year
    would leave about 400.
    """
    return number[:4] + "*" * (len(number) - 5) + number[-1:]


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "*" * len(phone)
