"""What every phase of ``gonghui generate`` shares: the plan, the year, the acting account,
seeded random streams, the path that writes (services or bulk) and what earlier phases made.

Phases are deterministic functions of the seed: each draws from its own stream
(``rng("members")``), so the services path and the bulk path, which consume the same
draws, describe the same records, and one phase's sizes never shift another's draws.
"""

import datetime
import random
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from gonghui.accounts.models import User
from gonghui.cli.generate.plan import Plan

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Tree:
    """The orgs the workers belong to, as arrays indexed by position (ids are database ids)."""

    city_codes: list[str]
    city_ids: list[int]
    city_paths: list[str]
    county_ids: np.ndarray
    county_codes: list[str]
    county_names: list[str]
    county_paths: list[str]
    county_city: np.ndarray  # index into the city lists
    union_ids: np.ndarray
    union_paths: list[str]
    union_county: np.ndarray  # index into the county lists
    employer_ids: np.ndarray  # one employer per union, same position
    employer_names: list[str]
    employer_usccs: list[str]


@dataclass
class Workforce:
    """Every generated worker by position; the database id is ``first_id`` + position."""

    first_id: int
    union: np.ndarray  # index into Tree's union arrays
    categories: np.ndarray  # category bits
    employer: np.ndarray  # index into Tree's employer arrays, -1 for none

    @property
    def count(self) -> int:
        return len(self.union)

    def ids(self, positions: np.ndarray) -> np.ndarray:
        return positions.astype(np.int64) + self.first_id


@dataclass
class Phase:
    """One phase's progress bar and what it wrote, for its summary line."""

    label: str
    advance: object  # callable(n)
    counts: dict[str, int] = field(default_factory=dict)

    def wrote(self, what: str, rows: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + rows
        self.advance(rows)


@dataclass
class Generation:
    plan: Plan
    seed: int
    year: int
    bulk: bool
    by: User
    # Four eyes: who approves claims and records wage recoveries, and who pays claims
    # (``by`` files and checks them and takes cases in).
    reviewer: User
    payer: User
    today: datetime.date
    now: datetime.datetime
    out: object  # the command's stdout
    console: Console = field(default_factory=lambda: Console(stderr=True))
    tree: Tree | None = None
    workforce: Workforce | None = None
    summary: list[str] = field(default_factory=list)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        """The year's last day, or today while the year is running (records are never
        dated in the future: the services refuse that)."""
        return min(datetime.date(self.year, 12, 31), self.today)

    @property
    def day_count(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def day(self, index: int) -> datetime.date:
        return self.first_day + datetime.timedelta(days=int(index))

    def rng(self, stream: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(stream.encode())])

    def random(self, stream: str) -> random.Random:
        return random.Random(f"{self.seed}:{stream}")

    def aware(self, day: datetime.date, minutes: int) -> datetime.datetime:
        """``minutes`` after local midnight of ``day``, as the services take a moment."""
        local = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(
            minutes=int(minutes)
        )
        return timezone.make_aware(local, SHANGHAI)

    @contextmanager
    def phase(self, label: str, total: int) -> Iterator[Phase]:
        """A progress bar while the phase runs, then one line: rows written and seconds."""
        columns = [
            TextColumn(f"{label:<8}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        ]
        started = time.perf_counter()
        with Progress(*columns, console=self.console, transient=True) as bar:
            task = bar.add_task(label, total=max(total, 1))
            phase = Phase(label, lambda n: bar.advance(task, n))
            yield phase
        seconds = time.perf_counter() - started
        rows = "，".join(f"{what}{n:,}" for what, n in phase.counts.items()) or "无"
        line = f"{label}：{rows}；用时{seconds:.1f}秒"
        self.summary.append(line)
        self.out.write(line)
