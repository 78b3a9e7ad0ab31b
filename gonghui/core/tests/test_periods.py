import datetime

import pytest

from gonghui.core.errors import DomainError
from gonghui.core.periods import Period, period_asked

d = datetime.date


def test_whole_years_are_told_apart_from_parts_of_years():
    assert Period.year(2026).whole_years == (2026, 2026)
    assert Period(d(2025, 1, 1), d(2026, 12, 31)).whole_years == (2025, 2026)
    assert Period(d(2026, 1, 1), d(2026, 12, 30)).whole_years is None
    assert Period.month(2026, 3).whole_years is None
    assert Period(d(2025, 7, 1), d(2026, 6, 30)).in_whole_years() == Period(
        d(2025, 1, 1), d(2026, 12, 31)
    )


@pytest.mark.parametrize(
    ("period", "text"),
    [
        (Period.year(2026), "2026年"),
        (Period(d(2025, 1, 1), d(2026, 12, 31)), "2025–2026年"),
        (Period.month(2024, 2), "2024年2月"),
        (Period(d(2024, 2, 1), d(2024, 2, 28)), "2024-02-01至2024-02-28"),  # 2024 is a leap year
        (Period(d(2026, 3, 5), d(2026, 6, 30)), "2026-03-05至2026-06-30"),
    ],
)
def test_a_period_names_itself_as_staff_write_it(period, text):
    assert str(period) == text


def test_dates_filter_includes_both_ends():
    assert Period.month(2026, 2).dates("day") == {"day__range": (d(2026, 2, 1), d(2026, 2, 28))}


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Period.year(10000), "year"),
        (lambda: Period.year(1948), "year"),
        (lambda: Period.month(2026, 13), "month"),
        (lambda: Period.month(2026, 0), "month"),
        (lambda: Period(d(2026, 5, 1), d(2026, 4, 30)), "end"),
        (lambda: Period(d(1900, 1, 1), d(2026, 4, 30)), "start"),
    ],
)
def test_a_period_out_of_range_is_refused_naming_its_field(make, field):
    with pytest.raises(DomainError) as refused:
        make()
    assert refused.value.field == field and refused.value.code == "bad_period"


def test_a_query_asks_for_a_year_or_both_dates():
    assert period_asked("2025", None, "") == Period.year(2025)
    assert period_asked(None, "2026-03-01", "2026-03-31") == Period.month(2026, 3)
    assert period_asked(None, None, None).whole_years is not None  # this year
    for year, start, end, field in [
        ("2026", "2026-01-01", "2026-02-01", "start"),
        (None, "2026-01-01", None, "start"),
        ("二〇二六", None, None, "year"),
        (None, "2026-02-30", "2026-03-01", "start"),
    ]:
        with pytest.raises(DomainError) as refused:
            period_asked(year, start, end)
        assert refused.value.field == field, (year, start, end)
