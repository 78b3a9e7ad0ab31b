"""Culture: 五送 events sent to the grassroots, held with their audience (the year's total
exactly the plan's) and some with a sign-in list; worker bookhouses with their monthly
readers; and the reading campaign's shares as the platform reports them per county and day.

The campaign is set up through the services on both paths. Services path: ``plan_event``,
``report_held``, ``cancel_event``, ``sign_in``, ``add_bookhouse``, ``record_visits``,
``record_imported_counts``. Bulk path: the same rows, opening hours in
``clean_opening_hours``'s canonical form.
"""

import datetime

import numpy as np

from gonghui.cli.generate.bulk import Rows, day_text, loading, stamp_text
from gonghui.cli.generate.context import Generation
from gonghui.culture.models import (
    AttendeeChannel,
    Bookhouse,
    BookhouseLevel,
    BookhouseMonth,
    Event,
    EventAttendee,
    EventKind,
    EventState,
    HostKind,
    ReadingDaily,
    ReadingSource,
)
from gonghui.culture.services import (
    add_bookhouse,
    cancel_event,
    clean_opening_hours,
    create_campaign,
    plan_event,
    record_imported_counts,
    record_visits,
    report_held,
    sign_in,
)
from gonghui.members.models import Worker
from gonghui.orgs.models import Org

KINDS = [k for k in EventKind.values if k != EventKind.OTHER]
OPEN_AIR = (EventKind.PERFORMANCE, EventKind.FILM)
TROUPES = ("河南省豫剧院", "市文化馆艺术团", "职工文艺志愿服务队", "县曲剧团", "工人电影放映队")
OPENING_HOURS = ("周一至周五 09:00-18:00；周六 09:00-12:00", "09:00-21:00")
ITEMS = (
    ("《论语》选读", "https://read.hnzgh.example/lunyu"),
    ("《诗经》选读", "https://read.hnzgh.example/shijing"),
    ("唐诗三百首选读", "https://read.hnzgh.example/tangshi"),
    ("劳模故事汇", "https://read.hnzgh.example/laomo"),
)
SIGN_IN_FROM, SIGN_IN_TO = 20, 61


def _events(g: Generation) -> list[dict]:
    plan, tree = g.plan, g.tree
    rng = g.rng("culture.events")
    count = plan.events_held + plan.events_other
    held = np.zeros(count, dtype=bool)
    held[rng.choice(count, plan.events_held, replace=False)] = True
    audience = np.rint(plan.audience / plan.events_held * rng.uniform(0.3, 1.7, plan.events_held))
    audience = audience.astype(np.int64)
    gap = plan.audience - int(audience.sum())
    audience += gap // len(audience)
    audience[: gap % len(audience)] += 1
    audiences = iter(audience.tolist())
    signed = set(rng.choice(plan.events_held, plan.signed_events, replace=False).tolist())
    events, n_held = [], 0
    for i in range(count):
        county = int(rng.integers(len(tree.county_codes)))
        by_city = rng.random() < 0.3
        kind = KINDS[int(rng.integers(len(KINDS)))]
        day = g.day(int(rng.integers(g.day_count)))
        place = tree.county_names[county]
        event = {
            "org": tree.city_ids[tree.county_city[county]]
            if by_city
            else int(tree.county_ids[county]),
            "county": county,
            "kind": kind,
            "title": f"{EventKind(kind).label}进基层·{place}第{i + 1}场",
            "venue": f"{place}{('人民广场', '职工之家', '产业园区', '社区服务中心')[i % 4]}",
            "starts_at": g.aware(day, 19 * 60 + 30 if kind in OPEN_AIR else 14 * 60 + 30),
            "performers": TROUPES[int(rng.integers(len(TROUPES)))],
            "state": EventState.HELD
            if held[i]
            else (EventState.CANCELLED if i % 3 == 0 else EventState.PLANNED),
            "audience": None,
            "signed": [],
        }
        if held[i]:
            event["audience"] = next(audiences)
            if n_held in signed:
                event["signed"] = _attendees(g, rng, county)
            n_held += 1
        events.append(event)
    return events


def _attendees(g: Generation, rng, county: int) -> list[int]:
    """Distinct workers of the county: the event's own subtree always holds them."""
    work, tree = g.workforce, g.tree
    unions = np.flatnonzero(tree.union_county == county)
    lo, hi = np.searchsorted(work.union, [unions[0], unions[-1] + 1])
    size = min(int(rng.integers(SIGN_IN_FROM, SIGN_IN_TO)), hi - lo)
    return (lo + rng.choice(hi - lo, size, replace=False)).tolist()


def _bookhouses(g: Generation) -> list[dict]:
    plan, tree = g.plan, g.tree
    rng = g.rng("culture.bookhouses")
    count = plan.bookhouses_demo + plan.bookhouses_other
    hosts = [("union", i) for i in range(len(tree.union_ids))]
    hosts += [("county", i) for i in range(len(tree.county_codes))]
    chosen = rng.choice(len(hosts), count, replace=False)
    national = max(1, plan.bookhouses_demo // 20)
    months = range(1, g.last_day.month + 1)
    out = []
    for n, pick in enumerate(chosen.tolist()):
        kind, i = hosts[pick]
        if n < national:
            level = BookhouseLevel.NATIONAL
        elif n < plan.bookhouses_demo:
            level = BookhouseLevel.PROVINCE
        else:
            level = BookhouseLevel.CITY if rng.random() < 0.4 else BookhouseLevel.NONE
        if kind == "union":
            org, name = int(tree.union_ids[i]), tree.employer_names[i].removesuffix("有限公司")
        else:
            org, name = int(tree.county_ids[i]), f"{tree.county_names[i]}总工会"
        out.append(
            {
                "org": org,
                "name": f"{name}职工书屋",
                "host_kind": HostKind.ENTERPRISE if kind == "union" else HostKind.UNION,
                "level": level,
                "level_year": None
                if level == BookhouseLevel.NONE
                else g.year - int(rng.integers(0, 10)),
                "holdings": int(rng.integers(1_000, 20_000)),
                "ebooks": int(rng.integers(0, 50_000)),
                "periodicals": int(rng.integers(10, 120)),
                "opening_hours": OPENING_HOURS[n % len(OPENING_HOURS)],
                "visits": [
                    (datetime.date(g.year, m, 1), int(rng.integers(50, 2_000))) for m in months
                ],
            }
        )
    return out


def _reading(g: Generation) -> tuple[datetime.date, list[tuple[int, int, int, int]]]:
    """The campaign's first day and its (county, day index, reads, shares) reports."""
    rng = g.rng("culture.reading")
    book_day = datetime.date(g.year, 4, 23)
    starts = book_day if book_day <= g.last_day else g.first_day
    first = (starts - g.first_day).days
    cells = [(c, d) for c in range(len(g.tree.county_codes)) for d in range(first, g.day_count)]
    shares = np.rint(g.plan.reading_shares / len(cells) * rng.uniform(0.5, 1.5, len(cells)))
    shares = shares.astype(np.int64)
    gap = g.plan.reading_shares - int(shares.sum())
    shares += gap // len(cells)
    shares[: gap % len(cells)] += 1
    reads = shares * 3 + rng.integers(0, 50, len(cells))
    return starts, [
        (c, d, r, s) for (c, d), r, s in zip(cells, reads.tolist(), shares.tolist(), strict=True)
    ]


def generate(g: Generation) -> None:
    events, bookhouses = _events(g), _bookhouses(g)
    starts, reading = _reading(g)
    total = len(events) + sum(len(e["signed"]) for e in events) + len(bookhouses) + len(reading)
    with g.phase("文化活动", total) as phase:
        campaign = create_campaign(
            by=g.by,
            org=Org.objects.get(code="410000"),
            name="悦读新思想 经典诵读",
            starts_on=starts,
            ends_on=g.first_day.replace(month=12, day=31),
            items=list(ITEMS),
        )
        if g.bulk:
            _bulk(g, events, bookhouses, campaign, reading, phase)
        else:
            _services(g, events, bookhouses, campaign, reading, phase)


def _services(g: Generation, events, bookhouses, campaign, reading, phase) -> None:
    orgs = Org.objects.in_bulk([e["org"] for e in events] + [b["org"] for b in bookhouses])
    first = g.workforce.first_id
    for spec in events:
        event = plan_event(
            by=g.by,
            org=orgs[spec["org"]],
            kind=spec["kind"],
            title=spec["title"],
            venue=spec["venue"],
            starts_at=spec["starts_at"],
            performers=spec["performers"],
        )
        if spec["state"] == EventState.HELD:
            report_held(
                by=g.by, event=event, audience=spec["audience"], estimated=spec["kind"] in OPEN_AIR
            )
            if spec["signed"]:
                workers = Worker.objects.in_bulk([w + first for w in spec["signed"]])
                sign_in(
                    by=g.by,
                    event=event,
                    workers=[workers[w + first] for w in spec["signed"]],
                    channel=AttendeeChannel.STAFF,
                )
        elif spec["state"] == EventState.CANCELLED:
            cancel_event(by=g.by, event=event)
        phase.wrote("活动", 1)
        phase.wrote("签到", len(spec["signed"]))
    for spec in bookhouses:
        bookhouse = add_bookhouse(
            by=g.by,
            org=orgs[spec["org"]],
            **{k: spec[k] for k in _BOOKHOUSE_FIELDS},
        )
        for month, visits in spec["visits"]:
            record_visits(by=g.by, bookhouse=bookhouse, month=month, visits=visits)
        phase.wrote("书屋", 1)
    tree = g.tree
    for county, day, reads, shares in reading:
        record_imported_counts(
            campaign=campaign,
            org_id=int(tree.county_ids[county]),
            org_path=tree.county_paths[county],
            day=g.day(day),
            reads=reads,
            shares=shares,
        )
    phase.wrote("阅读日报", len(reading))


_BOOKHOUSE_FIELDS = (
    "name",
    "host_kind",
    "level",
    "level_year",
    "holdings",
    "ebooks",
    "periodicals",
    "opening_hours",
)


def _bulk(g: Generation, events, bookhouses, campaign, reading, phase) -> None:
    tree = g.tree
    now = stamp_text(g.now)
    paths = dict(
        Org.objects.filter(
            pk__in={e["org"] for e in events} | {b["org"] for b in bookhouses}
        ).values_list("pk", "path")
    )
    event_rows = Rows(
        Event,
        [
            "org_id",
            "org_path",
            "kind",
            "title",
            "venue",
            "starts_at",
            "day",
            "performers",
            "state",
            "audience",
            "audience_estimated",
        ],
    )
    attendees = Rows(
        EventAttendee,
        ["event_id", "worker_id", "org_path", "day", "channel", "signed_by_id", "signed_at"],
    )
    houses = Rows(
        Bookhouse,
        ["org_id", "org_path", *_BOOKHOUSE_FIELDS],
    )
    months = Rows(BookhouseMonth, ["bookhouse_id", "org_path", "month", "visits"])
    daily = Rows(
        ReadingDaily,
        ["campaign_id", "item_id", "source", "org_id", "org_path", "day", "reads", "shares"],
    )
    hours = {text: clean_opening_hours(text) for text in OPENING_HOURS}
    first = g.workforce.first_id
    with loading(Event, EventAttendee, Bookhouse, BookhouseMonth, ReadingDaily):
        for spec in events:
            path = paths[spec["org"]]
            day = day_text(spec["starts_at"].date())
            held = spec["state"] == EventState.HELD
            pk = event_rows.add(
                spec["org"],
                path,
                spec["kind"],
                spec["title"],
                spec["venue"],
                stamp_text(spec["starts_at"]),
                day,
                spec["performers"],
                spec["state"],
                spec["audience"],
                held and spec["kind"] in OPEN_AIR,
            )
            for worker in spec["signed"]:
                attendees.add(pk, worker + first, path, day, AttendeeChannel.STAFF, g.by.pk, now)
            phase.wrote("活动", 1)
            phase.wrote("签到", len(spec["signed"]))
        for spec in bookhouses:
            path = paths[spec["org"]]
            values = {k: spec[k] for k in _BOOKHOUSE_FIELDS} | {
                "opening_hours": hours[spec["opening_hours"]]
            }
            pk = houses.add(spec["org"], path, *values.values())
            for month, visits in spec["visits"]:
                months.add(pk, path, day_text(month), visits)
            phase.wrote("书屋", 1)
        for county, day, reads, shares in reading:
            daily.add(
                campaign.pk,
                None,
                ReadingSource.IMPORT,
                int(tree.county_ids[county]),
                tree.county_paths[county],
                day_text(g.day(day)),
                reads,
                shares,
            )
        phase.wrote("阅读日报", len(reading))
        for rows in (event_rows, attendees, houses, months, daily):
            rows.flush()
