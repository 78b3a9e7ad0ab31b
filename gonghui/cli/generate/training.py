"""The night school of 驻马店 (classes with full seats, a short waiting list and the year's
attendances, exactly the plan's), skill contests whose top three become 技术能手, and the
rest of the craftsmen registry up to the plan's number of distinct craftsmen.

The holiday calendar, courses, classes (with their sessions) and contests are set up
through the services on both paths. Services path: ``enrol``, ``record_attendance``,
``enter_competition``, ``record_score``, ``award_from_results``, ``award_title``. Bulk
path: the same rows, the classes' seat counters, and the contest titles from ``ranking``.
"""

import datetime
import math
from decimal import Decimal

import numpy as np

from gonghui.cli.generate.bulk import Rows, day_text, loading, prepared, stamp_text
from gonghui.cli.generate.context import Generation
from gonghui.cli.generate.draws import nudge_to_total
from gonghui.cli.generate.plan import NIGHT_SCHOOL_CITY
from gonghui.members.models import Worker
from gonghui.orgs.models import Org
from gonghui.training.competitions import (
    award_from_results,
    award_title,
    create_competition,
    enter_competition,
    ranking,
    record_score,
)
from gonghui.training.models import (
    Attendance,
    AttendanceChannel,
    Channel,
    CraftsmanTitle,
    Enrolment,
    EnrolmentState,
    Entry,
    Part,
    Score,
    Session,
    TitleLevel,
    TrainingClass,
)
from gonghui.training.services import (
    add_holiday,
    create_class,
    create_course,
    enrol,
    record_attendance,
    schedule_days,
)

HOLIDAYS = ((1, 1, "元旦"), (5, 1, "劳动节"), (5, 2, "劳动节"), (5, 3, "劳动节"))
HOLIDAYS += tuple((10, d, "国庆节") for d in range(1, 8))
SUBJECTS = ("书法", "戏曲", "太极拳", "摄影", "舞蹈", "计算机应用", "电工技能", "中式烹调")
CAPACITY, WAITING = 30, 2
ATTENDING = (0.5, 1.0)  # share of the year's sessions a seated worker attends
WEEKDAYS = (2, 3, 4, 5)  # one evening a week, Tuesday to Friday
TRADES = ("焊工", "电工", "数控车工", "汽车维修工", "育婴员", "中式烹调师")
JUDGES = ("评委一", "评委二", "评委三")
PLACES = 3
TITLES = (
    ("劳动模范", TitleLevel.PROVINCE),
    ("五一劳动奖章", TitleLevel.PROVINCE),
    ("河南工匠", TitleLevel.PROVINCE),
    ("技术能手", TitleLevel.CITY),
    ("全国五一劳动奖章", TitleLevel.NATIONAL),
)
SECOND_TITLE = 0.1


def generate(g: Generation) -> None:
    for month, day, name in HOLIDAYS:
        add_holiday(by=g.by, day=datetime.date(g.year, month, day), name=name)
    classes, applicants, attending = _night_school(g)
    contests = _contests(g)
    total = sum(len(a) for a in applicants) + sum(len(a) for a in attending)
    total += sum(len(entries) for _, entries, _ in contests) + g.plan.craftsmen
    with g.phase("职工夜校", total) as phase:
        if g.bulk:
            _bulk_night_school(g, classes, applicants, attending, phase)
            _bulk_contests(g, contests, phase)
        else:
            _services_night_school(g, classes, applicants, attending, phase)
            _services_contests(g, contests, phase)
        _craftsmen(g, phase)


def _night_school(g: Generation):
    """The classes (set up now), each class's applicants (positions, in arrival order) and
    each seated applicant's sessions attended in the year (positions among them)."""
    tree, work, plan = g.tree, g.workforce, g.plan
    if NIGHT_SCHOOL_CITY not in tree.city_codes or not plan.night_school_attendances:
        return [], [], []
    rng = g.rng("training.night")
    city = tree.city_codes.index(NIGHT_SCHOOL_CITY)
    org = Org.objects.get(pk=tree.city_ids[city])
    term_starts = g.first_day.replace(month=3)
    term_starts = term_starts if term_starts <= g.last_day else g.first_day
    # Applications are taken until the term ends, so the term runs at least until today.
    term_ends = max(g.first_day.replace(month=12, day=31), g.today)
    holidays = {datetime.date(g.year, month, day) for month, day, _ in HOLIDAYS}
    in_year = [
        sum(
            g.first_day <= day <= g.last_day
            for day in schedule_days(
                term_starts=term_starts, term_ends=term_ends, weekdays=[w], holidays=holidays
            )
        )
        for w in WEEKDAYS
    ]
    per_class = CAPACITY * min(in_year) * sum(ATTENDING) / 2
    count = max(1, math.ceil(plan.night_school_attendances / per_class))
    courses = {s: create_course(by=g.by, org=org, subject=s, name=f"{s}班") for s in SUBJECTS}
    classes = [
        create_class(
            by=g.by,
            course=courses[SUBJECTS[n % len(SUBJECTS)]],
            name=f"{SUBJECTS[n % len(SUBJECTS)]}{n // len(SUBJECTS) + 1}班",
            teacher=f"{SUBJECTS[n % len(SUBJECTS)]}老师",
            room=f"职工文化宫{n % 12 + 1:02d}教室",
            weekdays=[WEEKDAYS[n % len(WEEKDAYS)]],
            starts_at=datetime.time(19),
            ends_at=datetime.time(20, 30),
            term_starts=term_starts,
            term_ends=term_ends,
            capacity=CAPACITY,
        )
        for n in range(count)
    ]
    sessions = [in_year[n % len(WEEKDAYS)] for n in range(count)]
    pool = np.flatnonzero(tree.county_city[tree.union_county[work.union]] == city)
    applicants = [np.sort(rng.choice(pool, CAPACITY + WAITING, replace=False)) for _ in classes]
    counts = np.concatenate([np.rint(s * rng.uniform(*ATTENDING, CAPACITY)) for s in sessions])
    counts = np.minimum(counts.astype(np.int64), min(in_year))
    counts = nudge_to_total(rng, counts, plan.night_school_attendances, 0, min(in_year))
    attending = [
        [
            np.sort(rng.choice(s, n, replace=False))
            for n in counts[c * CAPACITY : (c + 1) * CAPACITY]
        ]
        for c, s in enumerate(sessions)
    ]
    return classes, applicants, attending


def _year_sessions(g: Generation, klass: TrainingClass):
    return Session.objects.filter(klass=klass, day__gte=g.first_day, day__lte=g.last_day).order_by(
        "day"
    )


def _services_night_school(g, classes, applicants, attending, phase) -> None:
    first = g.workforce.first_id
    for klass, people in zip(classes, applicants, strict=True):
        workers = Worker.objects.in_bulk([p + first for p in people.tolist()])
        for p in people.tolist():
            enrol(by=g.by, klass=klass, worker=workers[p + first], channel=Channel.CONSOLE)
        phase.wrote("报名", len(people))
    for klass, people, seated in zip(classes, applicants, attending, strict=True):
        sessions = list(_year_sessions(g, klass))
        workers = Worker.objects.in_bulk([p + first for p in people.tolist()])
        for p, attended in zip(people.tolist(), seated, strict=False):
            for s in attended.tolist():
                record_attendance(
                    by=g.by,
                    session=sessions[s],
                    worker=workers[p + first],
                    channel=AttendanceChannel.LIST,
                )
            phase.wrote("出勤", len(attended))


def _bulk_night_school(g, classes, applicants, attending, phase) -> None:
    first = g.workforce.first_id
    now, today = stamp_text(g.now), day_text(g.today)
    enrolments = Rows(
        Enrolment,
        [
            "klass_id",
            "worker_id",
            "org_path",
            "state",
            "queue_no",
            "channel",
            "applied_at",
            "seated_at",
            "seated_on",
            "cancelled_at",
            "certificate_no",
        ],
    )
    attendances = Rows(Attendance, ["session_id", "enrolment_id", "org_path", "channel", "at"])
    with loading(Enrolment, Attendance):
        seats = []
        for klass, people in zip(classes, applicants, strict=True):
            ids = []
            for queue_no, p in enumerate(people.tolist(), start=1):
                seated = queue_no <= CAPACITY
                ids.append(
                    enrolments.add(
                        klass.pk,
                        p + first,
                        klass.org_path,
                        EnrolmentState.ENROLLED if seated else EnrolmentState.WAITING,
                        queue_no,
                        Channel.CONSOLE,
                        now,
                        now if seated else None,
                        today if seated else None,
                        None,
                        "",
                    )
                )
            TrainingClass.objects.filter(pk=klass.pk).update(
                enrolled_count=CAPACITY, last_queue_no=len(people)
            )
            seats.append(ids)
            phase.wrote("报名", len(people))
        for klass, ids, seated in zip(classes, seats, attending, strict=True):
            sessions = list(_year_sessions(g, klass).values_list("pk", flat=True))
            for enrolment, attended in zip(ids, seated, strict=False):
                for s in attended.tolist():
                    attendances.add(
                        sessions[s], enrolment, klass.org_path, AttendanceChannel.LIST, now
                    )
                phase.wrote("出勤", len(attended))
        enrolments.flush()
        attendances.flush()


def _contests(g: Generation):
    """Contests (set up now) with their entrants (positions) and marks."""
    tree, work = g.tree, g.workforce
    rng = g.rng("training.contests")
    province = Org.objects.get(code="410000")
    cities = Org.objects.in_bulk(tree.city_ids)
    out = []
    for n in range(g.plan.competitions):
        city = (n - 1) % len(tree.city_ids) if n else None
        org = province if city is None else cities[tree.city_ids[city]]
        trade = TRADES[n % len(TRADES)]
        contest = create_competition(
            by=g.by,
            org=org,
            name=f"{g.year}年{org.name.removesuffix('总工会')}{trade}职业技能竞赛",
            tier="province" if city is None else "city",
            trade=trade,
            held_on=g.day(int(rng.integers(g.day_count))),
        )
        pool = np.arange(work.count)
        if city is not None:
            pool = np.flatnonzero(tree.county_city[tree.union_county[work.union]] == city)
        entrants = rng.choice(pool, min(int(rng.integers(12, 21)), len(pool)), replace=False)
        marks = [
            [
                (j, part, Decimal(f"{rng.uniform(60, 99):.2f}"))
                for part in Part.values
                for j in JUDGES
            ]
            for _ in entrants
        ]
        out.append((contest, entrants.tolist(), marks))
    return out


def _services_contests(g, contests, phase) -> None:
    first = g.workforce.first_id
    for contest, entrants, marks in contests:
        workers = Worker.objects.in_bulk([p + first for p in entrants])
        for p, marked in zip(entrants, marks, strict=True):
            entry = enter_competition(by=g.by, competition=contest, worker=workers[p + first])
            for judge, part, points in marked:
                record_score(by=g.by, entry=entry, judge=judge, part=part, points=points)
        award_from_results(by=g.by, competition=contest, places=PLACES)
        phase.wrote("参赛", len(entrants))


def _bulk_contests(g, contests, phase) -> None:
    first = g.workforce.first_id
    entries = Rows(Entry, ["competition_id", "worker_id", "org_path"])
    scores = Rows(Score, ["entry_id", "judge", "part", "points"])
    titles = Rows(
        CraftsmanTitle,
        ["worker_id", "org_path", "title", "level", "year", "competition_id", "rank"],
    )
    with loading(Entry, Score, CraftsmanTitle):
        for contest, entrants, marks in contests:
            for p, marked in zip(entrants, marks, strict=True):
                entry = entries.add(contest.pk, p + first, contest.org_path)
                for judge, part, points in marked:
                    scores.add(entry, judge, part, prepared(Score, "points", points))
            entries.flush()
            scores.flush()
            for row in ranking(contest):
                if row.rank is not None and row.rank <= PLACES:
                    worker = row.entry.worker
                    titles.add(
                        worker.pk,
                        worker.org_path,
                        "技术能手",
                        TitleLevel(contest.tier),
                        contest.held_on.year,
                        contest.pk,
                        row.rank,
                    )
            phase.wrote("参赛", len(entrants))
        titles.flush()


def _craftsmen(g: Generation, phase) -> None:
    """Titles awarded outright, to reach the plan's number of distinct craftsmen."""
    rng = g.rng("training.craftsmen")
    work = g.workforce
    winners = set(CraftsmanTitle.objects.values_list("worker_id", flat=True).distinct())
    wanted = max(g.plan.craftsmen - len(winners), 0)
    picked = rng.choice(work.count, wanted + len(winners), replace=False) + work.first_id
    picked = [int(w) for w in picked if int(w) not in winners][:wanted]
    awards = []
    for worker in picked:
        titles = rng.choice(len(TITLES), 2 if rng.random() < SECOND_TITLE else 1, replace=False)
        awards += [(worker, *TITLES[t]) for t in titles.tolist()]
    if g.bulk:
        paths = dict(Worker.objects.filter(pk__in=picked).values_list("pk", "org_path"))
        rows = Rows(
            CraftsmanTitle,
            ["worker_id", "org_path", "title", "level", "year", "competition_id", "rank"],
        )
        with loading(CraftsmanTitle):
            for worker, title, level in awards:
                rows.add(worker, paths[worker], title, level, g.year, None, None)
            rows.flush()
    else:
        workers = Worker.objects.in_bulk(picked)
        for worker, title, level in awards:
            award_title(by=g.by, worker=workers[worker], title=title, level=level, year=g.year)
    phase.wrote("工匠称号", len(awards))
