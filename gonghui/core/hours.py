"""Opening hours: per weekday, spans in minutes, overnight spans, closed dates.

``Hours`` is seven lists (Monday first) of ``(start, end)`` minute pairs. A
span with ``end < start`` runs overnight into the next day (20:00-06:00);
``(0, 1440)`` is the whole day. A date in ``closed`` (a holiday closure)
closes the spans that start on that date; an overnight span that started the
evening before still runs until its end, as the station's staff are there.

The text form staff type in the import template and the console::

    08:00-20:00                                every day
    20:00-06:00                                every day, overnight
    00:00-24:00                                around the clock
    周一至周五 08:00-12:00,14:00-18:00；周六 09:00-17:00；周日 休息

A segment without days applies to every day; later segments replace earlier
ones for the days they name. ``format_hours`` writes the canonical form, which
``parse_hours`` reads back to the same value.
"""

import datetime
import re
from collections.abc import Collection, Sequence

from gonghui.core.errors import DomainError

Span = tuple[int, int]
Hours = list[list[Span]]

DAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
CLOSED_WORDS = ("休息", "关闭", "闭馆", "不开放", "闭站")
WHOLE_DAY: Span = (0, 1440)

_DAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_DAY_TOKEN = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天七])")
_TIME = r"(\d{1,2})[:：](\d{2})"
_SPAN = re.compile(rf"^{_TIME}\s*[-~～–—至到]\s*{_TIME}$")
_SEGMENTS = re.compile(r"[；;\n]+")
_SPANS = re.compile(r"[,，、\s]+")
_DAYS_PREFIX = re.compile(r"^([^\d]*?)\s*(?=\d|休息|关闭|闭馆|不开放|闭站|$)")


def _bad(text: str, why: str) -> DomainError:
    return DomainError("bad_hours", f"开放时间“{text}”{why}", field="hours")


def _days(spec: str, segment: str) -> list[int]:
    spec = spec.strip().rstrip(":：")
    if spec in ("", "每天", "每日", "全天", "全周"):
        return list(range(7))
    if spec == "工作日":
        return list(range(5))
    if spec in ("周末", "双休日"):
        return [5, 6]
    tokens = [_DAY[m] for m in _DAY_TOKEN.findall(spec)]
    rest = _DAY_TOKEN.sub("", spec).strip()
    if len(tokens) == 2 and rest in ("至", "到", "-", "~", "～", "—"):
        first, last = tokens
        if last < first:
            raise _bad(segment, f"中“{spec}”起止顺序颠倒")
        return list(range(first, last + 1))
    if tokens and rest.replace("、", "").replace(",", "").replace("，", "") == "":
        return tokens
    raise _bad(segment, f"中“{spec}”不是可识别的星期（例：周一至周五、周六、每天）")


def _minutes(hour: str, minute: str, *, end: bool, segment: str) -> int:
    h, m = int(hour), int(minute)
    if m >= 60 or h > 24 or (h == 24 and (m or not end)):
        raise _bad(segment, f"中的时刻{hour}:{minute}无效")
    return h * 60 + m


def _span(text: str, segment: str) -> Span:
    match = _SPAN.match(text)
    if not match:
        raise _bad(segment, f"中“{text}”应写作“08:00-20:00”")
    start = _minutes(match[1], match[2], end=False, segment=segment)
    end = _minutes(match[3], match[4], end=True, segment=segment)
    if start == end:
        raise _bad(segment, "的开始和结束时刻相同")
    return (start, end)


def parse_hours(text: str) -> Hours:
    """Hours from the text form above; ``DomainError`` naming the bad part otherwise."""
    text = text.strip()
    if not text:
        raise _bad(text, "不能为空（例：08:00-20:00）")
    hours: Hours = [[] for _ in range(7)]
    for segment in (s.strip() for s in _SEGMENTS.split(text)):
        if not segment:
            continue
        prefix = _DAYS_PREFIX.match(segment)
        spec = prefix[1] if prefix else ""
        body = segment[len(prefix[0]) if prefix else 0 :].strip()
        days = _days(spec, segment)
        if body in CLOSED_WORDS:
            spans: list[Span] = []
        else:
            spans = sorted(_span(part, segment) for part in _SPANS.split(body) if part)
            if not spans:
                raise _bad(segment, "缺少时段（例：08:00-20:00）")
            _check_overlap(spans, segment)
        for day in days:
            hours[day] = list(spans)
    return hours


def _check_overlap(spans: list[Span], segment: str) -> None:
    for (s1, e1), (s2, _) in zip(spans, spans[1:], strict=False):
        if e1 < s1 or s2 < e1:  # an overnight span must be the day's last
            raise _bad(segment, "中的时段相互重叠")


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _day_label(days: list[int]) -> str:
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"{DAY_NAMES[days[0]]}至{DAY_NAMES[days[-1]]}"
    return "、".join(DAY_NAMES[d] for d in days)


def _spans_text(spans: Sequence[Span]) -> str:
    if not spans:
        return "休息"
    return ",".join(f"{_clock(s)}-{_clock(e)}" for s, e in spans)


def format_hours(hours: Hours) -> str:
    """The canonical text: one segment when every day is alike, else days grouped by spans."""
    normal = [[tuple(span) for span in day] for day in hours]
    if all(day == normal[0] for day in normal):
        return _spans_text(normal[0]) if normal[0] else "每天 休息"
    groups: dict[tuple, list[int]] = {}
    for index, day in enumerate(normal):
        groups.setdefault(tuple(day), []).append(index)
    return "；".join(f"{_day_label(days)} {_spans_text(spans)}" for spans, days in groups.items())


def is_open_at(
    hours: Hours, when: datetime.datetime, closed: Collection[datetime.date] = ()
) -> bool:
    """Whether the station is open at local time ``when`` (naive or aware, as shown on a clock)."""
    day, minute = when.date(), when.hour * 60 + when.minute
    if day not in closed:
        for start, end in hours[day.weekday()]:
            if start <= minute < end or (end < start and minute >= start):
                return True
    yesterday = day - datetime.timedelta(days=1)
    if yesterday not in closed:
        for start, end in hours[yesterday.weekday()]:
            if end < start and minute < end:
                return True
    return False


def is_round_the_clock(hours: Hours) -> bool:
    return all(list(map(tuple, day)) == [WHOLE_DAY] for day in hours)
