"""The public nearest search: an in-memory KD-tree over open stations as 3-D unit vectors.

Every open station is a point on the unit sphere. The straight-line (chord)
distance between two such points grows with their great-circle distance, so
the k nearest by chord are the k nearest on the earth, and a KD-tree (scipy's
``cKDTree``) finds them exactly in microseconds, where a box prefilter in the
database took milliseconds. Filters (facilities, kinds, open now) are checked on the
tree's candidates nearest first; when too few pass, the tree is asked for four
times as many, until k pass or every station has been seen.

Each process holds one index, built from the database on first use and
rebuilt when the ``stations`` change stamp moves: at once after a change in
this process, and within ``GONGHUI_STATION_INDEX_RECHECK`` seconds (default 1)
after a change in another (the stamp is one indexed row, read at most that
often). Whether each station is open is worked out once per minute for every
distinct weekly timetable, not per station per query.
"""

import datetime
import gc
import json
import math
import threading
import time
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from django.conf import settings
from django.db import connection
from scipy.spatial import cKDTree

from gonghui.core import changestamps
from gonghui.core.coords import Crs
from gonghui.core.geo import EARTH_RADIUS_M
from gonghui.core.hours import is_open_at
from gonghui.orgs.models import Org
from gonghui.stations.models import Station, StationClosure, Status

STAMP = "stations"
_TIE = 1e-12  # chord difference (unit sphere, ~6 µm) under which two stations count as tied
_FIRST_ASK = 4  # candidates asked per wanted result when a filter may reject some


def unit_vectors(lat, lng) -> np.ndarray:
    """(n, 3) points on the unit sphere for latitudes and longitudes in degrees."""
    phi, lam = np.radians(lat), np.radians(lng)
    cos_phi = np.cos(phi)
    return np.column_stack((cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)))


def chord_of(distance_m: float) -> float:
    """The unit-sphere chord of a great-circle distance."""
    return 2 * math.sin(min(distance_m, math.pi * EARTH_RADIUS_M) / (2 * EARTH_RADIUS_M))


# A search result: (index row, great-circle metres, open now). Plain tuples: a batch makes
# hundreds of thousands of them, and a tuple costs a fraction of an object.
Hit = tuple[int, float, bool]


class StationIndex:
    """Open stations as columns (row ``i`` is one station) plus the tree over their vectors."""

    def __init__(self, rows: list[tuple], closures: dict[int, set[datetime.date]]) -> None:
        rows = sorted(rows)  # by id: equal distances resolve to the lower id
        columns = [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(15)]
        (
            self.ids,
            lat,
            lng,
            self.facilities,
            hours,
            self.names,
            self.org_codes,
            self.addresses,
            gcj_lat,
            gcj_lng,
            bd_lat,
            bd_lng,
            self.facilities_other,
            self.phones,
            self.kinds,
        ) = columns
        self.lat, self.lng = lat, lng
        self.coords = {
            Crs.WGS84: (lat, lng),
            Crs.GCJ02: (gcj_lat, gcj_lng),
            Crs.BD09: (bd_lat, bd_lng),
        }
        self.size = len(self.ids)
        self.tree = cKDTree(unit_vectors(lat, lng) if rows else np.zeros((0, 3)))
        self.lat_rad, self.lng_rad = np.radians(lat), np.radians(lng)
        self.cos_lat = np.cos(self.lat_rad)
        self.facility_bits = np.array(self.facilities, dtype=np.int64)
        self.kind_bits = np.array(self.kinds, dtype=np.int64)
        timetables: dict[str, int] = {}
        self.timetable_of = np.array(
            [timetables.setdefault(_text(h), len(timetables)) for h in hours], dtype=np.int64
        )
        self.timetables = [json.loads(text) for text in timetables]
        row_of = {pk: i for i, pk in enumerate(self.ids)}
        self.closures = {row_of[pk]: days for pk, days in closures.items() if pk in row_of}
        self._open_minute: datetime.datetime | None = None
        self._open = np.zeros(0, dtype=bool)
        self._near: dict[float, dict[tuple[float, float], bool]] = {}

    def open_flags(self, local: datetime.datetime) -> np.ndarray:
        """Per row, whether the station is open at ``local`` (Shanghai wall clock)."""
        minute = local.replace(second=0, microsecond=0)
        if self._open_minute != minute:
            by_timetable = np.array(
                [is_open_at(t, minute) for t in self.timetables] or [False], dtype=bool
            )
            flags = by_timetable[self.timetable_of] if self.size else np.zeros(0, dtype=bool)
            days = {minute.date(), minute.date() - datetime.timedelta(days=1)}
            for row, closed in self.closures.items():
                if closed & days:
                    timetable = self.timetables[self.timetable_of[row]]
                    flags[row] = is_open_at(timetable, minute, closed)
            self._open, self._open_minute = flags, minute
        return self._open

    def near_any(
        self, points: Sequence[tuple[float, float]], radius_m: float, local: datetime.datetime
    ) -> set[tuple[float, float]]:
        """The ``points`` with a station of this index within ``radius_m``, open at the hour
        or not. Answers are kept for the index's life: the coverage figures ask about the
        same workplaces on every card, and only a change to the stations, which replaces
        the index, can change them."""
        known = self._near.setdefault(radius_m, {})
        todo = [point for point in points if point not in known]
        if todo:
            hits = self.search_many(
                todo, k=1, within_m=radius_m, open_now=False, facilities=0, local=local
            )
            known.update(zip(todo, (bool(found) for found in hits), strict=True))
        return {point for point in points if known[point]}

    def search(self, lat: float, lng: float, **filters) -> list[Hit]:
        """The exact ``k`` nearest rows that pass the filters, nearest first, ties by id."""
        return self.search_many([(lat, lng)], **filters)[0]

    def search_many(
        self,
        points: Sequence[tuple[float, float]],
        *,
        k: int,
        within_m: float | None,
        open_now: bool,
        facilities: int,
        local: datetime.datetime,
        kinds: int = 0,
    ) -> list[list[Hit]]:
        """``search`` for many points with the same filters, in numpy over all of them at once:
        the tree's own cost per call, and Python's per candidate, are most of a single search.

        A round asks the tree for ``ask`` candidates per point, nearest first by chord. A
        point is settled when they run out (past ``within_m``, or every station) or when at
        least ``k`` pass the filters and the last candidate lies farther than the k-th passing
        one (so every station tied with it was seen); the rest ask four times as many.
        """
        found: list[list[Hit]] = [[] for _ in points]
        if not self.size or not points:
            return found
        lat_deg, lng_deg = [p[0] for p in points], [p[1] for p in points]
        vectors = unit_vectors(lat_deg, lng_deg)
        lat, lng = np.radians(lat_deg), np.radians(lng_deg)
        is_open = self.open_flags(local)
        bound = chord_of(within_m) * (1 + 1e-9) + _TIE if within_m is not None else math.inf
        ask = k * _FIRST_ASK if open_now or facilities or kinds else k + 1
        pending = np.arange(len(points))
        while len(pending):
            ask = min(ask, self.size)
            chords, rows = self.tree.query(vectors[pending], k=ask, distance_upper_bound=bound)
            chords, rows = chords.reshape(len(pending), ask), rows.reshape(len(pending), ask)
            seen = rows < self.size
            rows = np.where(seen, rows, 0)
            passing = seen.copy()
            if facilities:
                passing &= (self.facility_bits[rows] & facilities) == facilities
            if kinds:
                passing &= (self.kind_bits[rows] & kinds) == kinds
            if open_now:
                passing &= is_open[rows]
            settled = ~seen[:, -1] | (ask == self.size)
            enough = passing.sum(axis=1) >= k
            if enough.any():
                kth_column = np.argmax(np.cumsum(passing, axis=1) >= k, axis=1)
                kth_chord = np.take_along_axis(chords, kth_column[:, None], axis=1)[:, 0]
                settled |= enough & (chords[:, -1] > kth_chord + _TIE)
            done = np.flatnonzero(settled)
            if len(done):
                self._settle(
                    found, pending[done], lat, lng, rows[done], passing[done], k, within_m, is_open
                )
            pending, ask = pending[~settled], ask * 4
        return found

    def _settle(
        self,
        found: list[list[Hit]],
        queries: np.ndarray,
        lat: np.ndarray,
        lng: np.ndarray,
        rows: np.ndarray,
        passing: np.ndarray,
        k: int,
        within_m: float | None,
        is_open: np.ndarray,
    ) -> None:
        """Great-circle metres to the passing candidates, the radius applied exactly, the k
        nearest kept; ties go to the lower id, which is the lower row (rows are in id order)."""
        q_lat, q_lng = lat[queries][:, None], lng[queries][:, None]
        a = (
            np.sin((self.lat_rad[rows] - q_lat) / 2) ** 2
            + np.cos(q_lat) * self.cos_lat[rows] * np.sin((self.lng_rad[rows] - q_lng) / 2) ** 2
        )
        distance = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(a)))
        keep = passing if within_m is None else passing & (distance <= within_m)
        distance = np.where(keep, distance, math.inf)
        order = np.lexsort((rows, distance), axis=-1)[:, :k]
        rows = np.take_along_axis(rows, order, axis=-1)
        distance = np.take_along_axis(distance, order, axis=-1)
        counts = np.isfinite(distance).sum(axis=1).tolist()
        opened = is_open[rows].tolist()
        for query, n, q_rows, q_distance, q_open in zip(
            queries.tolist(), counts, rows.tolist(), distance.tolist(), opened, strict=True
        ):
            found[query] = list(zip(q_rows[:n], q_distance[:n], q_open[:n], strict=True))


def _text(hours) -> str:
    """A raw cursor gives JSON as text on SQLite and decoded on PostgreSQL: one key for both."""
    return hours if isinstance(hours, str) else json.dumps(hours, separators=(",", ":"))


def load_index(today: datetime.date) -> StationIndex:
    """Read every open station and the closures from yesterday on into a new index."""
    sql = (
        "SELECT s.id, s.lat, s.lng, s.facilities, s.hours, s.name, o.code, s.address, "
        "s.gcj_lat, s.gcj_lng, s.bd_lat, s.bd_lng, s.facilities_other, s.phone, s.kinds "
        f"FROM {Station._meta.db_table} s JOIN {Org._meta.db_table} o ON o.id = s.org_id "
        "WHERE s.status = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.OPEN.value])
        rows = cursor.fetchall()
    closures: dict[int, set[datetime.date]] = defaultdict(set)
    since = today - datetime.timedelta(days=1)
    for pk, day in StationClosure.objects.filter(day__gte=since).values_list("station_id", "day"):
        closures[pk].add(day)
    return StationIndex(rows, closures)


class _Holder:
    """This process's index, the stamp it was built from, and when the stamp was last read."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.index: StationIndex | None = None
        self.stamp = ""
        self.day: datetime.date | None = None
        self.checked = -math.inf


_holder = _Holder()


def current_index(today: datetime.date) -> StationIndex:
    """The index, rebuilt first if the stations changed (here, or elsewhere a while ago) or
    the day changed (closures are loaded from yesterday on)."""
    holder = _holder
    now = time.monotonic()
    due = now - holder.checked >= settings.STATION_INDEX_RECHECK
    if (
        holder.index is not None
        and not due
        and holder.day == today
        and not changestamps.touched_here(STAMP)
    ):
        return holder.index
    with holder.lock:
        stamp = changestamps.current(STAMP)
        holder.checked = now
        if holder.index is None or stamp != holder.stamp or holder.day != today:
            holder.index, holder.stamp, holder.day = load_index(today), stamp, today
            # The index's few hundred thousand long-lived objects would otherwise be walked
            # by every full garbage collection, which the searches' own garbage sets off.
            gc.freeze()
        return holder.index


def stations_changed() -> None:
    """Call inside every transaction that changes a station or its closures."""
    changestamps.touch(STAMP)
