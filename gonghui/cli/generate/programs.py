"""Benefit programmes and their service records, under the report card's three lines.

Breakfast: the province's programme and each city's own (both filed under the breakfast
line), served at one breakfast shop per county; a sanitation worker eats at most once a
day per programme, so the person-times per person the province reports (about 408 a
year) need both. Each served worker gets an exact number of days, drawn so the year's
total is the plan's to the record. Health checks (once per person) at each city's
examination centre; truck drivers' policies (once a year) at the insurer's desk.

Programmes and points are set up through the services on both paths. Services path:
``record_service``. Bulk path: the same rows; budget slots and rollups come from
``ROLLUPS.rebuild()`` at the end.
"""

import itertools

import numpy as np

from gonghui.cli.generate.bulk import Rows, day_text, loading, stamp_text
from gonghui.cli.generate.context import Generation
from gonghui.members.categories import BY_NAME, NEW_EMPLOYMENT_FORM_BITS
from gonghui.members.models import Worker
from gonghui.orgs.models import Org
from gonghui.programs.models import (
    Channel,
    Frequency,
    Program,
    ProgramKind,
    ReportLine,
    ServicePoint,
    ServiceRecord,
    WhenExhausted,
)
from gonghui.programs.services import create_program, create_service_point, record_service

SANITATION = BY_NAME["环卫工人"].bit
TRUCK = BY_NAME["货车司机"].bit
PROVINCE_SHARE = 0.74  # of a worker's breakfasts, the province's programme's
WORKERS_PER_CHUNK = 1_000
BREAKFAST_FROM, BREAKFAST_MINUTES = 6 * 60, 150  # 06:00–08:29
DESK_FROM, DESK_MINUTES = 9 * 60, 180  # 09:00–11:59
COLUMNS = [
    "program_id",
    "worker_id",
    "point_id",
    "org_id",
    "org_path",
    "served_at",
    "served_on",
    "period_key",
    "quantity",
    "amount_fen",
    "channel",
    "request_id",
    "recorded_by_id",
    "voided",
    "voided_at",
    "voided_by_id",
    "void_reason",
]


def _set_up(g: Generation) -> dict:
    """The programmes and their points (services, on both paths)."""
    tree, year = g.tree, g.year
    province = Org.objects.get(code="410000")
    period = {"starts_on": g.first_day, "ends_on": g.first_day.replace(month=12, day=31)}
    breakfast = create_program(
        by=g.by,
        org=province,
        name="环卫工人免费早餐",
        kind=ProgramKind.DAILY,
        frequency=Frequency.DAILY,
        categories=SANITATION,
        unit_cost_fen=500,
        when_exhausted=WhenExhausted.CONTINUE,
        report_line=ReportLine.SANITATION_BREAKFAST,
        **period,
    )
    cities = Org.objects.in_bulk(tree.city_ids)
    city_breakfasts = [
        create_program(
            by=g.by,
            org=cities[pk],
            name=f"{cities[pk].name.removesuffix('总工会')}环卫工人爱心早餐",
            kind=ProgramKind.DAILY,
            frequency=Frequency.DAILY,
            categories=SANITATION,
            unit_cost_fen=400,
            when_exhausted=WhenExhausted.CONTINUE,
            report_line=ReportLine.SANITATION_BREAKFAST,
            **period,
        )
        for pk in tree.city_ids
    ]
    exam = create_program(
        by=g.by,
        org=province,
        name="新就业形态劳动者免费体检",
        kind=ProgramKind.ONE_OFF,
        frequency=Frequency.ONCE,
        categories=NEW_EMPLOYMENT_FORM_BITS,
        unit_cost_fen=200_00,
        report_line=ReportLine.NEW_EMPLOYMENT_EXAM,
        **period,
    )
    truck = create_program(
        by=g.by,
        org=province,
        name="货车司机意外伤害保险",
        kind=ProgramKind.POLICY,
        frequency=Frequency.YEARLY,
        categories=TRUCK,
        unit_cost_fen=150_00,
        report_line=ReportLine.TRUCK_INSURANCE,
        insurer="中国人寿财产保险河南省分公司",
        policy_number=f"PDAA{year}410000000001",
        cover_starts=period["starts_on"],
        cover_ends=period["ends_on"],
        sum_insured_fen=500_000_00,
        **period,
    )
    counties = Org.objects.in_bulk(tree.county_ids.tolist())
    shops = [
        create_service_point(
            by=g.by,
            org=counties[int(pk)],
            name=f"{tree.county_names[i]}环卫工人爱心早餐店",
            programs=[breakfast, city_breakfasts[tree.county_city[i]]],
        )
        for i, pk in enumerate(tree.county_ids)
    ]
    centres = [
        create_service_point(
            by=g.by,
            org=cities[pk],
            name=f"{cities[pk].name.removesuffix('总工会')}职工体检中心",
            programs=[exam],
        )
        for pk in tree.city_ids
    ]
    desk = create_service_point(
        by=g.by, org=province, name="货车司机保险服务台", address="郑州市金水路", programs=[truck]
    )
    return {
        "breakfast": breakfast,
        "city_breakfasts": city_breakfasts,
        "exam": exam,
        "truck": truck,
        "shops": shops,
        "centres": centres,
        "desk": desk,
    }


def _breakfast_days(g: Generation, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Workers served (positions) and each one's days of (province, city) programme."""
    plan, work = g.plan, g.workforce
    sanitation = np.flatnonzero(work.categories & SANITATION)
    served = np.sort(rng.choice(sanitation, plan.breakfast_persons, replace=False))
    days = g.day_count
    if plan.breakfast_times > 2 * days * len(served):
        raise ValueError(f"{g.year}年至今只有{days}天，放不下计划的早餐人次")
    mean = plan.breakfast_times / len(served)
    total = np.clip(np.rint(mean * rng.uniform(0.85, 1.15, len(served))), 2, 2 * days)
    total = _exact_sum(rng, total.astype(np.int64), plan.breakfast_times, 2, 2 * days)
    province = np.minimum(np.maximum(np.rint(total * PROVINCE_SHARE), total - days), days)
    province = np.maximum(province, 1).astype(np.int64)
    return served, np.stack([province, total - province], axis=1)


def _exact_sum(rng, values: np.ndarray, target: int, low: int, high: int) -> np.ndarray:
    """``values`` nudged by ones, at random places within [low, high], to add up to ``target``."""
    values = values.copy()
    while (gap := target - int(values.sum())) != 0:
        room = np.flatnonzero(values < high) if gap > 0 else np.flatnonzero(values > low)
        picked = rng.choice(room, min(abs(gap), len(room)), replace=False)
        values[picked] += 1 if gap > 0 else -1
    return values


def _chosen_days(rng, counts: np.ndarray, days: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row a random set of ``counts[row]`` day indexes: (rows, days) pairs in order."""
    draws = rng.random((len(counts), days))
    cut = np.sort(draws, axis=1)[np.arange(len(counts)), np.maximum(counts - 1, 0)]
    cut = np.where(counts > 0, cut, -1.0)
    return np.nonzero(draws <= cut[:, None])


def _record_batches(g: Generation, setup: dict):
    """Every service record as column batches: (program, point and org per record, worker
    positions, day indexes, minutes after midnight)."""
    rng = g.rng("programs")
    work, tree = g.workforce, g.tree
    served, split = _breakfast_days(g, rng)
    county = tree.union_county[work.union[served]]
    city = tree.county_city[county]
    shops = np.array([p.pk for p in setup["shops"]])
    runs = [(setup["breakfast"], np.arange(len(served)), 0)]
    runs += [
        (program, np.flatnonzero(city == c), 1)
        for c, program in enumerate(setup["city_breakfasts"])
    ]
    for program, members, column in runs:
        for start in range(0, len(members), WORKERS_PER_CHUNK):
            chunk = members[start : start + WORKERS_PER_CHUNK]
            rows, days = _chosen_days(rng, split[chunk, column], g.day_count)
            who = chunk[rows]
            minutes = BREAKFAST_FROM + rng.integers(BREAKFAST_MINUTES, size=len(who))
            yield program, shops[county[who]], served[who], days, minutes
    centres = np.array([p.pk for p in setup["centres"]])
    for program, pool, count, points in (
        (setup["exam"], work.categories & NEW_EMPLOYMENT_FORM_BITS, g.plan.exam_persons, None),
        (setup["truck"], work.categories & TRUCK, g.plan.truck_persons, setup["desk"].pk),
    ):
        who = np.sort(rng.choice(np.flatnonzero(pool), count, replace=False))
        days = rng.integers(g.day_count, size=count)
        minutes = DESK_FROM + rng.integers(DESK_MINUTES, size=count)
        if points is None:
            where = centres[tree.county_city[tree.union_county[work.union[who]]]]
        else:
            where = np.full(count, points)
        yield program, where, who, days, minutes


def generate(g: Generation) -> None:
    plan = g.plan
    total = plan.breakfast_times + plan.exam_persons + plan.truck_persons
    with g.phase("普惠服务", total) as phase:
        setup = _set_up(g)
        batches = _record_batches(g, setup)
        if g.bulk:
            _bulk(g, batches, phase)
        else:
            _services(g, batches, phase)


def _services(g: Generation, batches, phase) -> None:
    points = {p.pk: p for p in ServicePoint.objects.all()}
    for program, where, who, days, minutes in batches:
        workers = Worker.objects.in_bulk(g.workforce.ids(np.unique(who)).tolist())
        for point, position, day, minute in zip(where, who, days, minutes, strict=True):
            record_service(
                by=g.by,
                program=program,
                worker=workers[int(position) + g.workforce.first_id],
                point=points[int(point)],
                channel=_channel(program),
                served_at=g.aware(g.day(day), minute),
            )
        phase.wrote("服务记录", len(who))


def _channel(program: Program) -> str:
    return {
        ProgramKind.DAILY: Channel.SCAN,
        ProgramKind.ONE_OFF: Channel.MANUAL,
        ProgramKind.POLICY: Channel.IMPORT,
    }[program.kind]


class Stamps:
    """``served_at`` as stored, for moments given as (day index, minute of the day) arrays;
    each moment's text is made once (a year of breakfasts has ~55,000 distinct ones)."""

    def __init__(self, g: Generation):
        self.g = g
        self.table = np.full(g.day_count * 24 * 60, None, dtype=object)

    def texts(self, day: np.ndarray, minute: np.ndarray) -> list:
        keys = day.astype(np.int64) * 24 * 60 + minute
        for key in np.unique(keys[self.table[keys] == None]).tolist():  # noqa: E711
            moment = self.g.aware(self.g.day(key // (24 * 60)), key % (24 * 60))
            self.table[key] = stamp_text(moment)
        return self.table[keys].tolist()


def _bulk(g: Generation, batches, phase) -> None:
    rows = Rows(ServiceRecord, COLUMNS)
    days = [g.day(d) for d in range(g.day_count)]
    day_texts = np.array([day_text(d) for d in days], dtype=object)
    years = np.array([str(d.year) for d in days], dtype=object)
    stamps = Stamps(g)
    points = dict(ServicePoint.objects.values_list("pk", "org_id"))
    paths = dict(Org.objects.filter(pk__in=set(points.values())).values_list("pk", "path"))
    with loading(ServiceRecord):
        for program, where, who, day, minute in batches:
            served_on = day_texts[day].tolist()
            keys = {
                Frequency.DAILY: served_on,
                Frequency.YEARLY: years[day].tolist(),
                Frequency.ONCE: itertools.repeat(""),
            }[program.frequency]
            orgs = [points[p] for p in where.tolist()]
            batch = list(
                zip(
                    rows.take_ids(len(who)),
                    itertools.repeat(program.pk),
                    g.workforce.ids(who).tolist(),
                    where.tolist(),
                    orgs,
                    [paths[o] for o in orgs],
                    stamps.texts(day, minute),
                    served_on,
                    keys,
                    itertools.repeat(1),
                    itertools.repeat(program.unit_cost_fen),
                    itertools.repeat(_channel(program)),
                    itertools.repeat(None),
                    itertools.repeat(g.by.pk),
                    itertools.repeat(False),
                    itertools.repeat(None),
                    itertools.repeat(None),
                    itertools.repeat(""),
                    strict=False,
                )
            )
            rows.write(batch)
            phase.wrote("服务记录", len(batch))
