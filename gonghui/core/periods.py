"""The period a figure is for: a calendar year, a month, or any from–to dates.

Rollups keep distinct persons per worker × *year*, so a figure over whole years reads
them; any other period reads the raw rows. ``whole_years`` tells which.
"""

import calendar
import datetime
from dataclasses import dataclass

from gonghui.core.errors import DomainError

FIRST_YEAR, LAST_YEAR = 1949, 2100


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise DomainError(
                "bad_period", f"结束日期 {self.end} 早于开始日期 {self.start}", field="end"
            )
        for day, name in ((self.start, "start"), (self.end, "end")):
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise DomainError(
                    "bad_period", f"年份须在 {FIRST_YEAR}–{LAST_YEAR} 之间：{day}", field=name
                )

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(_day(year, 1, 1, "year"), _day(year, 12, 31, "year"))

    @classmethod
    def all_time(cls) -> "Period":
        """Every year the platform accepts: figures of a registry or a programme's life."""
        return cls(datetime.date(FIRST_YEAR, 1, 1), datetime.date(LAST_YEAR, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
        return cls(_day(year, month, 1, "month"), _day(year, month, last, "month"))

    @property
    def whole_years(self) -> tuple[int, int] | None:
        """(first, last) year when the period is exactly whole calendar years, else None."""
        if (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31):
            return self.start.year, self.end.year
        return None

    @property
    def years(self) -> tuple[int, int]:
        """The calendar years the period touches (for figures kept per year only)."""
        return self.start.year, self.end.year

    def in_whole_years(self) -> "Period":
        """The whole calendar years the period touches (figures kept per plan year)."""
        return Period(datetime.date(self.start.year, 1, 1), datetime.date(self.end.year, 12, 31))

    def months(self) -> list["Period"]:
        """Each calendar month the period touches, cut to the period."""
        found, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            whole = Period.month(year, month)
            found.append(Period(max(whole.start, self.start), min(whole.end, self.end)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    def dates(self, field: str) -> dict:
        """A filter keeping rows whose date ``field`` lies in the period."""
        return {f"{field}__range": (self.start, self.end)}

    def __str__(self) -> str:
        whole = self.whole_years
        if whole and whole[0] == whole[1]:
            return f"{whole[0]}年"
        if whole:
            return f"{whole[0]}–{whole[1]}年"
        first, last = self.start, self.end
        if (first.day, last.day) == (1, calendar.monthrange(last.year, last.month)[1]):
            if (first.year, first.month) == (last.year, last.month):
                return f"{first.year}年{first.month}月"
        return f"{first:%Y-%m-%d}至{last:%Y-%m-%d}"


def _day(year: int, month: int, day: int, field: str) -> datetime.date:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(
            "bad_period", f"年份须在 {FIRST_YEAR}–{LAST_YEAR} 之间：{year}", field=field
        )
    try:
        return datetime.date(year, month, day)
    except (ValueError, OverflowError):
        raise DomainError("bad_period", f"不是有效的日期：{year}年{month}月", field=field) from None


def period_asked(
    year: int | str | None, start: datetime.date | str | None, end: datetime.date | str | None
) -> Period:
    """The period a page, the API or the CLI asks for: ``year``, or ``start`` and ``end``
    together (dates or YYYY-MM-DD text); this year when neither is given."""
    if start or end:
        if year or not (start and end):
            raise DomainError("bad_period", "请给出年度，或同时给出开始与结束日期", field="start")
        return Period(_date(start, "start"), _date(end, "end"))
    if year in (None, ""):
        return Period.year(datetime.date.today().year)
    if isinstance(year, str) and not year.strip().isdigit():
        raise DomainError("bad_period", f"年度“{year}”应为四位数字", field="year")
    return Period.year(int(year))


def _date(value: datetime.date | str, field: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise DomainError("bad_period", f"日期“{value}”应为 YYYY-MM-DD", field=field) from None
