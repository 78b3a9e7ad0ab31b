"""Fixed vocabularies stored as bits (a station has several): facilities and kinds; and the
ratings as staff write them in a sheet (``最美驿站2024、省级示范2025``).

Bits are assigned once and never reused; add new entries at the end. Each entry
has the name printed and the other names staff write for it (热饭 for
热饭/微波炉), all accepted on input.
"""

import re
from typing import NamedTuple

from gonghui.core.errors import DomainError
from gonghui.stations.models import Rating

_SEPARATORS = re.compile(r"[、,，;；\s]+")


class Term(NamedTuple):
    bit: int
    name: str
    aliases: tuple[str, ...] = ()


FACILITIES: tuple[Term, ...] = (
    Term(1 << 0, "饮水", ("饮用水", "热水")),
    Term(1 << 1, "热饭/微波炉", ("热饭", "微波炉")),
    Term(1 << 2, "充电", ("手机充电",)),
    Term(1 << 3, "如厕", ("厕所", "卫生间")),
    Term(1 << 4, "休息座椅", ("休息", "座椅")),
    Term(1 << 5, "药箱", ("医药箱", "急救箱")),
    Term(1 << 6, "空调/取暖", ("空调", "取暖")),
    Term(1 << 7, "图书", ("书籍", "阅读")),
    Term(1 << 8, "无线网络", ("WiFi", "wifi", "WIFI", "无线上网")),
)

KINDS: tuple[Term, ...] = (
    Term(1 << 0, "24小时", ("24小时驿站", "全天")),
    Term(1 << 1, "智慧驿站", ("智慧", "自助")),
    Term(1 << 2, "骑手换电", ("换电",)),
    Term(1 << 3, "法律援助点", ("法律援助",)),
)


def _lookup(terms: tuple[Term, ...]) -> dict[str, Term]:
    table = {}
    for term in terms:
        table[term.name] = term
        for alias in term.aliases:
            table[alias] = term
    return table


_FACILITY_BY_NAME = _lookup(FACILITIES)
_KIND_BY_NAME = _lookup(KINDS)


def facility_bit(name: str) -> int:
    """The bit of one facility named as staff or callers write it; DomainError if unknown."""
    term = _FACILITY_BY_NAME.get(name.strip())
    if term is None:
        known = "、".join(t.name for t in FACILITIES)
        raise DomainError(
            "bad_facility", f"没有“{name}”这项设施（可选：{known}）", field="facility"
        )
    return term.bit


def kind_bit(name: str) -> int:
    term = _KIND_BY_NAME.get(name.strip())
    if term is None:
        known = "、".join(t.name for t in KINDS)
        raise DomainError("bad_kind", f"没有“{name}”这种驿站类型（可选：{known}）", field="kinds")
    return term.bit


def facility_names(bits: int) -> list[str]:
    return [t.name for t in FACILITIES if bits & t.bit]


def kind_names(bits: int) -> list[str]:
    return [t.name for t in KINDS if bits & t.bit]


def parse_facilities(text: str) -> tuple[int, str]:
    """'饮水、热饭、按摩椅' → (bits of the known ones, '按摩椅'): unknown words are kept as
    free text, since stations offer more than the vocabulary names."""
    bits, other = 0, []
    for word in parse_words(text):
        term = _FACILITY_BY_NAME.get(word)
        if term is None:
            other.append(word)
        else:
            bits |= term.bit
    return bits, "、".join(other)


def format_facilities(bits: int, other: str) -> str:
    return "、".join([*facility_names(bits), *([other] if other else [])])


def parse_words(text: str) -> list[str]:
    """Words separated by 、 (or a comma, semicolon or space); '热饭/微波炉' stays one word."""
    return [w for w in _SEPARATORS.split(text) if w]


def parse_kinds(text: str) -> int:
    """'24小时、换电' → their bits; an unknown word is a ``DomainError`` naming it (kinds
    decide what riders look for, so a typo must not pass as free text)."""
    bits = 0
    for word in parse_words(text):
        bits |= kind_bit(word)
    return bits


_RATING_BY_NAME = {label: value for value, label in Rating.choices} | {
    "省级示范": Rating.PROVINCIAL_DEMO,
    "全国示范": Rating.NATIONAL_DEMO,
}
_RATING = re.compile(
    r"^(?:(?P<year_first>\d{4})年?(?P<name_after>\D+)|(?P<name>\D+?)(?P<year>\d{4})年?)$"
)


def parse_ratings(text: str) -> list[tuple[str, int]]:
    """'最美驿站2024、省级示范2025' (or '2024年最美驿站') → [(rating, year)], sorted;
    ``DomainError`` names the first word that is not a known rating with a year."""
    ratings = set()
    for word in parse_words(text):
        found = _RATING.match(word)
        name = found and (found["name"] or found["name_after"])
        rating = _RATING_BY_NAME.get(name) if name else None
        if rating is None:
            known = "、".join(_RATING_BY_NAME)
            raise DomainError(
                "bad_rating",
                f"“{word}”应写作称号加年度，如“最美驿站2024”（称号：{known}）",
                field="ratings",
            )
        ratings.add((str(rating), int(found["year"] or found["year_first"])))
    return sorted(ratings)


def format_ratings(ratings: list[tuple[str, int]]) -> str:
    """[(rating, year)] → '最美驿站2024、省级示范驿站2025', which ``parse_ratings`` reads back."""
    labels = dict(Rating.choices)
    return "、".join(
        f"{labels[rating]}{year}" for rating, year in sorted(ratings, key=lambda r: (r[1], r[0]))
    )
