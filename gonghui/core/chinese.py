"""Chinese-name search keys: simplified form, full pinyin and initials.

Names arrive in simplified and traditional characters; storing the simplified
form and converting queries the same way makes each spelling find the other.
"""

from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

_T2S = opencc.OpenCC("t2s")


@lru_cache(maxsize=200_000)
def simplified(text: str) -> str:
    return _T2S.convert(text)


@lru_cache(maxsize=200_000)
def name_keys(name: str) -> tuple[str, str, str]:
    """(simplified name, full pinyin, initials), e.g. 張東青 → 张东青, zhangdongqing, zdq."""
    simple = simplified(name)
    syllables = lazy_pinyin(simple, errors="ignore")
    return (
        simple,
        "".join(syllables).lower(),
        "".join(s[0] for s in syllables if s).lower(),
    )
