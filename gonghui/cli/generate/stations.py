"""Rest stations where ``places`` put them (open ones in every county, a few suspended or
closed), some with a rating, and the year's visits: outdoor workers scanning in at a
station of their county, and head counts of workers without phones.

Services path: ``save_station``, ``set_ratings``, ``record_visit``. Bulk path: the values
``clean_fields`` makes of the same input, the ratings, the visits, and the change stamp
that tells every server process to rebuild its nearest-station index.
"""

import datetime

import numpy as np

from gonghui.cli.generate.bulk import Rows, day_text, loading, prepared, stamp_text
from gonghui.cli.generate.context import Generation
from gonghui.cli.generate.places import station_sites
from gonghui.core.coords import Crs
from gonghui.core.hours import parse_hours
from gonghui.members.categories import OUTDOOR_BITS
from gonghui.members.models import Worker
from gonghui.orgs.models import Org
from gonghui.stations.models import HostKind, Rating, Station, StationRating, Status, Visit
from gonghui.stations.search_index import stations_changed
from gonghui.stations.services import (
    StationFields,
    clean_fields,
    hour_key,
    record_visit,
    save_station,
    set_ratings,
)
from gonghui.stations.vocabulary import FACILITIES, KINDS

HOURS = ("00:00-24:00", "07:00-21:00", "周一至周五 07:00-19:00；周六、周日 08:00-17:00")
HOSTS = (HostKind.UNION, HostKind.BANK, HostKind.SHOP, HostKind.GOVERNMENT)
ROADS = "人民路 解放路 建设路 中原路 文化路 交通路 和平路 光明路".split()
RATED = 0.05
HEADCOUNTS = 0.2


def _fields(g: Generation) -> list[tuple[int, StationFields, list[tuple[str, int]]]]:
    """(county, what staff would enter, ratings) for every station."""
    sites = station_sites(g)
    rng = g.rng("stations")
    hours = [parse_hours(text) for text in HOURS]
    facilities = [f.bit for f in FACILITIES]
    numbers = dict.fromkeys(range(len(g.tree.county_codes)), 0)
    out = []
    for county, lat, lng, is_open in zip(
        sites.county.tolist(),
        sites.lat.tolist(),
        sites.lng.tolist(),
        sites.open.tolist(),
        strict=True,
    ):
        numbers[county] += 1
        n = numbers[county]
        place = g.tree.county_names[county]
        status = Status.OPEN if is_open else (Status.SUSPENDED if n % 2 else Status.CLOSED)
        opened = g.first_day - datetime.timedelta(days=int(rng.integers(0, 3 * 365)))
        host = HOSTS[int(rng.integers(len(HOSTS)))]
        fields = StationFields(
            name=f"{place}爱心驿站{n:03d}号",
            address=f"{place}{ROADS[n % len(ROADS)]}{int(rng.integers(1, 300))}号",
            lat=lat,
            lng=lng,
            crs=Crs.GCJ02,
            hours=hours[int(rng.integers(len(hours)))],
            facilities=facilities[0] | int(sum(rng.choice(facilities[1:], 3, replace=False))),
            phone=f"0{int(rng.integers(371, 397))}-{int(rng.integers(10**7)):07d}",
            status=status,
            opened_on=opened,
            host_kind=host,
            host_name=f"{place}{dict(HostKind.choices)[host]}" if host != HostKind.UNION else "",
            kinds=KINDS[0].bit if n % 7 == 0 else 0,
        )
        ratings = []
        if is_open and rng.random() < RATED:
            ratings = [(str(rng.choice(Rating.values)), g.year - int(rng.integers(0, 3)))]
        out.append((county, fields, ratings))
    return out


def _visits(g: Generation, stations: list[int]) -> dict:
    """The year's visits by time: station position, worker position (-1: a head count),
    head count, day and minute of the day."""
    rng = g.rng("stations.visits")
    tree, work = g.tree, g.workforce
    county_of = np.array([c for c, _ in stations])
    open_ = np.array([is_open for _, is_open in stations])
    total = g.plan.visits
    heads = int(total * HEADCOUNTS)
    outdoor = np.flatnonzero(work.categories & OUTDOOR_BITS)
    worker = np.concatenate([rng.choice(outdoor, total - heads), np.full(heads, -1)])
    counties = np.where(
        worker >= 0,
        tree.union_county[work.union[np.maximum(worker, 0)]],
        rng.integers(len(tree.county_codes), size=total),
    )
    day = rng.integers(g.day_count, size=total)
    minute = rng.integers(7 * 60, 21 * 60, size=total)
    by_county = [np.flatnonzero((county_of == c) & open_) for c in range(len(tree.county_codes))]
    station = np.array([by_county[c][rng.integers(len(by_county[c]))] for c in counties.tolist()])
    # One visit per worker, station and clock hour: later duplicates are dropped.
    key = ((worker + 1) * len(stations) + station) * 10_000 + day * 24 + minute // 60
    _, keep = np.unique(np.where(worker >= 0, key, -np.arange(1, total + 1)), return_index=True)
    keep = keep[np.argsort(day[keep] * 1440 + minute[keep], kind="stable")]
    count = np.where(worker >= 0, 1, rng.integers(2, 31, size=total))
    return {
        "station": station[keep],
        "worker": worker[keep],
        "count": count[keep],
        "day": day[keep],
        "minute": minute[keep],
    }


def generate(g: Generation) -> None:
    stations = _fields(g)
    visits = _visits(g, [(c, f.status == Status.OPEN) for c, f, _ in stations])
    total = len(stations) + len(visits["day"])
    with g.phase("爱心驿站", total) as phase:
        if g.bulk:
            _bulk(g, stations, visits, phase)
        else:
            _services(g, stations, visits, phase)


def _services(g: Generation, stations, visits, phase) -> None:
    counties = Org.objects.in_bulk(g.tree.county_ids.tolist())
    saved = []
    for county, fields, ratings in stations:
        org = counties[int(g.tree.county_ids[county])]
        station = save_station(by=g.by, org=org, fields=fields).station
        if ratings:
            set_ratings(by=g.by, station=station, ratings=ratings)
        saved.append(station)
    phase.wrote("驿站", len(saved))
    first = g.workforce.first_id
    workers = Worker.objects.in_bulk(
        g.workforce.ids(np.unique(visits["worker"][visits["worker"] >= 0])).tolist()
    )
    for station, worker, count, day, minute in zip(
        *(visits[k].tolist() for k in ("station", "worker", "count", "day", "minute")), strict=True
    ):
        record_visit(
            by=g.by,
            station=saved[station],
            worker=workers[worker + first] if worker >= 0 else None,
            count=count,
            at=g.aware(g.day(day), minute),
        )
    phase.wrote("到访", len(visits["day"]))


def _bulk(g: Generation, stations, visits, phase) -> None:
    tree = g.tree
    columns = [
        "org_id",
        "org_path",
        "name",
        "host_kind",
        "host_name",
        "address",
        "lat",
        "lng",
        "input_crs",
        "input_lat",
        "input_lng",
        "gcj_lat",
        "gcj_lng",
        "bd_lat",
        "bd_lng",
        "facilities",
        "facilities_other",
        "kinds",
        "hours",
        "phone",
        "status",
        "opened_on",
        "updated_at",
    ]
    rows = Rows(Station, columns)
    ratings = Rows(StationRating, ["station_id", "rating", "year"])
    visit_rows = Rows(
        Visit,
        [
            "station_id",
            "org_path",
            "worker_id",
            "visited_at",
            "day",
            "hour",
            "count",
            "channel",
            "recorded_by_id",
        ],
    )
    now = stamp_text(g.now)
    ids, paths = [], []
    with loading(Station, StationRating, Visit):
        for county, fields, rated in stations:
            values = clean_fields(fields)
            values |= {
                "org_id": int(tree.county_ids[county]),
                "org_path": tree.county_paths[county],
                "hours": prepared(Station, "hours", values["hours"]),
                "opened_on": day_text(values["opened_on"]),
                "updated_at": now,
            }
            pk = rows.add(*(values[c] for c in columns))
            for rating, year in sorted(set(rated)):
                ratings.add(pk, rating, year)
            ids.append(pk)
            paths.append(values["org_path"])
        rows.flush()
        ratings.flush()
        phase.wrote("驿站", len(ids))
        first = g.workforce.first_id
        moments = {}
        batch = []
        for station, worker, count, day, minute in zip(
            *(visits[k].tolist() for k in ("station", "worker", "count", "day", "minute")),
            strict=True,
        ):
            moment = moments.get((day, minute))
            if moment is None:
                at = g.aware(g.day(day), minute)
                moment = moments[(day, minute)] = (
                    stamp_text(at),
                    day_text(at.date()),
                    hour_key(at),
                )
            batch.append(
                (
                    ids[station],
                    paths[station],
                    worker + first if worker >= 0 else None,
                    *moment,
                    count,
                    "scan" if worker >= 0 else "headcount",
                    g.by.pk,
                )
            )
        for start in range(0, len(batch), 200_000):
            part = batch[start : start + 200_000]
            visit_rows.write(
                [(pk, *row) for pk, row in zip(visit_rows.take_ids(len(part)), part, strict=True)]
            )
        phase.wrote("到访", len(batch))
    stations_changed()
