"""Synthetic rosters with valid ID numbers, for the demo, tests and benchmarks.

Seeded, so a run can be repeated; never real people.
"""

import datetime
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

from gonghui.core.idnumber import check_digit
from gonghui.core.tabular import write_csv
from gonghui.members.categories import CATEGORIES
from gonghui.members.importers import COLUMNS

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英东青建华国庆志红玉梅春晓"


def make_id(rng: random.Random, region: str, *, earliest: int = 1960, latest: int = 2004) -> str:
    birth = datetime.date(earliest, 1, 1) + datetime.timedelta(
        days=rng.randrange((datetime.date(latest, 12, 31) - datetime.date(earliest, 1, 1)).days)
    )
    first17 = f"{region}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + check_digit(first17)


def make_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def roster_rows(
    count: int,
    *,
    org_codes: Sequence[str],
    employers: Sequence[tuple[str, str]] = (),
    regions: Sequence[str] = ("411702", "410302", "410105", "411721"),
    seed: int = 1,
) -> Iterator[list[str]]:
    """``count`` distinct valid rows in template column order."""
    rng = random.Random(seed)
    seen: set[str] = set()
    names = [c.name for c in CATEGORIES]
    while len(seen) < count:
        number = make_id(rng, rng.choice(regions))
        if number in seen:
            continue
        seen.add(number)
        employer, credit = rng.choice(employers) if employers else ("", "")
        joined = ""
        if rng.random() < 0.7:
            joined = f"{rng.randint(2010, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        yield [
            make_name(rng),
            number,
            f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
            rng.choice(org_codes),
            employer,
            credit,
            "、".join(rng.sample(names, rng.choice((1, 1, 2)))),
            joined,
        ]


def write_roster_csv(path: Path, rows: Iterator[list[str]], *, encoding: str = "utf-8-sig") -> Path:
    return write_csv(path, COLUMNS, rows, encoding=encoding)
