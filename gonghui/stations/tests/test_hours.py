"""Opening hours: the text form, overnight spans, whole days, closed days and holidays."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core.errors import DomainError
from gonghui.core.hours import format_hours, is_open_at, is_round_the_clock, parse_hours

MONDAY = datetime.date(2026, 11, 23)


def at(day: datetime.date, clock: str) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.fromisoformat(clock))


def test_day_span_opens_at_start_and_closes_at_end():
    hours = parse_hours("08:00-20:00")
    assert not is_open_at(hours, at(MONDAY, "07:59"))
    assert is_open_at(hours, at(MONDAY, "08:00"))
    assert is_open_at(hours, at(MONDAY, "19:59:59"))
    assert not is_open_at(hours, at(MONDAY, "20:00"))


def test_overnight_span_runs_into_the_next_morning():
    hours = parse_hours("20:00-06:00")
    assert is_open_at(hours, at(MONDAY, "23:30"))
    assert is_open_at(hours, at(MONDAY, "05:59"))  # Sunday night's span
    assert not is_open_at(hours, at(MONDAY, "06:00"))
    assert not is_open_at(hours, at(MONDAY, "12:00"))


def test_overnight_from_the_last_open_day_ends_the_next_morning_only():
    hours = parse_hours("周一至周五 20:00-06:00；周六、周日 休息")
    saturday, sunday = MONDAY + datetime.timedelta(days=5), MONDAY + datetime.timedelta(days=6)
    assert is_open_at(hours, at(saturday, "05:00"))  # Friday night
    assert not is_open_at(hours, at(saturday, "21:00"))
    assert not is_open_at(hours, at(sunday, "05:00"))
    assert not is_open_at(hours, at(MONDAY, "05:00"))  # Sunday was closed


def test_round_the_clock_is_open_at_midnight_and_counts_as_24_hours():
    hours = parse_hours("00:00-24:00")
    assert is_open_at(hours, at(MONDAY, "00:00"))
    assert is_open_at(hours, at(MONDAY, "23:59:59"))
    assert is_round_the_clock(hours)
    assert not is_round_the_clock(parse_hours("00:00-23:59"))


def test_closed_date_closes_that_day_but_not_the_night_that_began_before():
    hours = parse_hours("20:00-06:00")
    holiday = MONDAY
    assert is_open_at(hours, at(holiday, "05:00"), closed={holiday})  # Sunday night's span
    assert not is_open_at(hours, at(holiday, "21:00"), closed={holiday})
    tuesday = MONDAY + datetime.timedelta(days=1)
    assert not is_open_at(hours, at(tuesday, "05:00"), closed={holiday})


def test_holiday_closes_a_day_station():
    hours = parse_hours("08:00-20:00")
    assert not is_open_at(hours, at(MONDAY, "12:00"), closed={MONDAY})
    assert is_open_at(hours, at(MONDAY, "12:00"), closed={MONDAY - datetime.timedelta(days=1)})


def test_per_weekday_hours_with_a_lunch_break():
    hours = parse_hours("周一至周五 08:00-12:00,14:00-18:00；周六 09:00-17:00；周日 休息")
    assert is_open_at(hours, at(MONDAY, "11:00"))
    assert not is_open_at(hours, at(MONDAY, "13:00"))
    assert is_open_at(hours, at(MONDAY + datetime.timedelta(days=5), "16:00"))
    assert not is_open_at(hours, at(MONDAY + datetime.timedelta(days=6), "10:00"))


def test_later_segment_replaces_earlier_days():
    assert (
        format_hours(parse_hours("08:00-20:00；周日 休息")) == "周一至周六 08:00-20:00；周日 休息"
    )


@pytest.mark.parametrize(
    "text,why",
    [
        ("", "不能为空"),
        ("8点到20点", "应写作"),
        ("25:00-26:00", "无效"),
        ("08:00-24:30", "无效"),
        ("24:00-06:00", "无效"),
        ("08:00-08:00", "相同"),
        ("周八 08:00-20:00", "不是可识别的星期"),
        ("周五至周一 08:00-20:00", "颠倒"),
        ("08:00-12:00,11:00-14:00", "重叠"),
        ("20:00-06:00,22:00-23:00", "重叠"),
    ],
)
def test_bad_hours_say_what_is_wrong(text, why):
    with pytest.raises(DomainError, match=why):
        parse_hours(text)


SPAN = st.tuples(st.integers(0, 1439), st.integers(1, 1440)).filter(lambda s: s[0] < s[1])


@given(st.lists(st.lists(SPAN, max_size=1), min_size=7, max_size=7))
def test_canonical_text_reads_back_to_the_same_hours(days):
    hours = [list(day) for day in days]
    assert parse_hours(format_hours(hours)) == hours
