"""How many resident ID numbers fit what someone was shown: the measure of a masked form.

A masked ID alone says little; the birth date, sex and birth region shown next to it
rebuild the rest (region → digits 1–6, date → 7–14). What a role without the reveal
permission sees of a worker, and what the database file holds in clear, must leave at
least ``MIN_CANDIDATES`` numbers, counted exactly, the check digit included.

The count is exact without enumerating millions of numbers: the GB 11643 check digit
depends on the weighted sum of the first 17 digits modulo 11, and that sum splits into
independent parts (region, birth date, sequence), so the count is a convolution of the
three parts' residue histograms.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from gonghui.core.regions import region_table

MIN_CANDIDATES = 10_000

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK = "10X98765432"
_EARLIEST = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class Disclosed:
    """What is known about one ID number.

    ``known``: character by position (0–17), from any masked or partial form seen;
    ``region_codes``: the 6-digit codes still possible (None: every code in the GB/T 2260
    table matching the known positions); ``born_from``/``born_to``: the birth dates still
    possible (a birth year is 1 January to 31 December); ``sex``: "M", "F" or None.
    """

    known: dict[int, str] = field(default_factory=dict)
    region_codes: frozenset[str] | None = None
    born_from: datetime.date = _EARLIEST
    born_to: datetime.date | None = None
    sex: str | None = None


def known_positions(forms: Iterable[str]) -> dict[int, str]:
    """The characters every 18-character form shows (``*`` hides one), merged."""
    known: dict[int, str] = {}
    for form in forms:
        for position, char in enumerate(form):
            if char != "*":
                known[position] = char
    return known


def count_candidates(facts: Disclosed, *, today: datetime.date | None = None) -> int:
    """The exact number of valid ID numbers consistent with ``facts``.

    Valid means: a region code from the table (an attacker's best list, so the count
    errs low), a real birth date from 1900 to ``today``, any sequence digits, the sex's
    parity in digit 17 and the GB 11643 check digit.
    """
    today = today or datetime.date.today()
    known = facts.known

    def fits(start: int, text: str) -> bool:
        return all(known.get(start + i, c) == c for i, c in enumerate(text))

    regions = facts.region_codes if facts.region_codes is not None else region_table().keys()
    region_sums = _histogram(_partial(code, 0) for code in regions if fits(0, code))

    last = min(facts.born_to or today, today)
    days = []
    day = max(facts.born_from, _EARLIEST)
    while day <= last:
        text = day.strftime("%Y%m%d")
        if fits(6, text):
            days.append(_partial(text, 6))
        day += datetime.timedelta(days=1)
    date_sums = _histogram(days)

    sequences = []
    for n in range(1000):
        text = f"{n:03d}"
        odd = int(text[2]) % 2 == 1
        if facts.sex is not None and odd != (facts.sex == "M"):
            continue
        if fits(14, text):
            sequences.append(_partial(text, 14))
    seq_sums = _histogram(sequences)

    total = 0
    for r, nr in enumerate(region_sums):
        for d, nd in enumerate(date_sums):
            for s, ns in enumerate(seq_sums):
                check = _CHECK[(r + d + s) % 11]
                if known.get(17, check) == check:
                    total += nr * nd * ns
    return total


def _partial(digits: str, start: int) -> int:
    return sum(int(c) * _WEIGHTS[start + i] for i, c in enumerate(digits)) % 11


def _histogram(residues: Iterable[int]) -> list[int]:
    counts = [0] * 11
    for residue in residues:
        counts[residue] += 1
    return counts
