"""Chinese-name search keys: simplified form, full pinyin and initials.

Names arrive in simplified and traditional characters; storing the simplified
form and converting queries the same way makes each spelling find the other.
"""

from functools import lru_cache

import opencc
from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT

_T2S = opencc.OpenCC("t2s")


@lru_cache(maxsize=200_000)
def simplified(text: str) -> str:
    return _T2S.convert(text)


@lru_cache(maxsize=65_536)
def _char_syllables(char: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(char, errors="ignore"))


def _syllables(name: str) -> list[str]:
    """``lazy_pinyin(name, errors="ignore")``, from a per-character cache where that is exact.

    pypinyin reads a phrase from its phrase table and everything else one
    character at a time, so a name none of whose substrings is a phrase reads
    as its characters do alone. A roster of a million rows has hundreds of
    thousands of distinct names but only a few thousand distinct characters,
    and pypinyin costs ~100 µs per name.
    """
    size = len(name)
    for start in range(size - 1):
        for end in range(start + 2, size + 1):
            if name[start:end] in PHRASES_DICT:
                return lazy_pinyin(name, errors="ignore")
    return [s for char in name for s in _char_syllables(char)]


@lru_cache(maxsize=200_000)
def name_keys(name: str) -> tuple[str, str, str]:
    """(simplified name, full pinyin, initials), e.g. 張東青 → 张东青, zhangdongqing, zdq."""
    simple = simplified(name)
    syllables = _syllables(simple)
    return (
        simple,
        "".join(syllables).lower(),
        "".join(s[0] for s in syllables if s).lower(),
    )
