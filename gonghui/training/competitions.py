"""Skill competitions (set-up, entries, judges' marks, the ranking) and the craftsmen
registry their results feed.

Ranking rule (the one the results page prints and awards follow):

1. Each part's score is the mean of the judges' marks for that part, exact
   (``Fraction``, never float); the total is ``theory_weight``% of the theory
   mean plus the rest of the practical mean, also exact.
2. Entries are ordered by total, higher first. Equal totals are split by the
   practical mean, higher first (a skill contest values the hands-on part).
3. Entries still equal share the rank and the next rank is skipped ("1, 2, 2,
   4": standard competition ranking), so the number of entries ranked above
   anyone is always their rank − 1.
4. An entry lacking any mark for a part that carries weight is not ranked
   (成绩不全) and is listed after the ranked ones.

Totals are shown rounded half-up to two decimals, but ranks come from the
exact values: two totals printed alike may still rank apart, and the page says
so by the tie-break column.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from gonghui.audit.services import record_event
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.indicators import Under
from gonghui.core.periods import FIRST_YEAR, LAST_YEAR, Period
from gonghui.core.scoping import here_or_above, in_scope, require_in_scope
from gonghui.training import rollups
from gonghui.training.models import (
    Competition,
    CraftsmanTitle,
    Entry,
    Part,
    PublicProfile,
    Score,
    TitleLevel,
)
from gonghui.training.services import WorkerActor


@transaction.atomic
def create_competition(
    *,
    by,
    org,
    name: str,
    tier: str,
    trade: str,
    held_on: datetime.date,
    theory_weight: int = 30,
    client_ip: str | None = None,
) -> Competition:
    """A contest run by ``org`` (in the staff's subtree); the model's own checks refuse a
    blank name or trade and an unknown tier (``ValidationError``)."""
    require_in_scope(by, "manage_programs", org.path)
    if not 0 <= theory_weight <= 100:
        raise DomainError("bad_weight", "理论成绩权重应为0至100", field="theory_weight")
    competition = Competition(
        org=org,
        org_path=org.path,
        name=name.strip(),
        tier=tier,
        trade=trade.strip(),
        held_on=held_on,
        theory_weight=theory_weight,
    )
    competition.full_clean()
    competition.save()
    record_event(
        actor=by,
        action="create",
        object_type="competition",
        object_id=competition.pk,
        org_path=org.path,
        after={
            "name": competition.name,
            "tier": tier,
            "trade": trade,
            "theory_weight": theory_weight,
        },
        client_ip=client_ip,
    )
    return competition


@transaction.atomic
def enter_competition(
    *, by, competition: Competition, worker, client_ip: str | None = None
) -> Entry:
    """Enter a worker of the staff's subtree who belongs to the competition's subtree; the
    contest must be run in the staff's subtree or above it."""
    if not by.can("record_services") or not here_or_above(by, competition.org_path):
        raise PermissionDenied("forbidden", "无权为该竞赛报名")
    if not in_scope(by, worker.org_path):
        raise PermissionDenied("forbidden", "该职工不在您的管辖范围内")
    if not worker.org_path.startswith(competition.org_path):
        raise DomainError("not_eligible", f"该职工不在“{competition.name}”的参赛范围内")
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                competition=competition, worker=worker, org_path=competition.org_path
            )
    except IntegrityError:
        raise DomainError("already_entered", "该职工已报名本竞赛") from None
    rollups.bump(
        kind="entries",
        org_id=competition.org_id,
        org_path=competition.org_path,
        worker_id=worker.pk,
        day=competition.held_on,
    )
    record_event(
        actor=by,
        action="enter",
        object_type="competition_entry",
        object_id=entry.pk,
        org_path=competition.org_path,
        after={"competition": competition.pk, "worker": worker.pk},
        client_ip=client_ip,
    )
    return entry


def parse_points(value: object) -> Decimal:
    """A mark as judges write it (0–100, at most two decimals), to two places; ``DomainError``
    otherwise."""
    try:
        points = Decimal(str(value).strip())
    except InvalidOperation:
        raise DomainError("bad_points", f"分数“{value}”不是数字", field="points") from None
    if (
        not points.is_finite()
        or not 0 <= points <= 100
        or points != points.quantize(Decimal("0.01"))
    ):
        raise DomainError(
            "bad_points", f"分数“{value}”应为0至100之间、最多两位小数", field="points"
        )
    return points.quantize(Decimal("0.01"))  # as the column stores it: 80 → 80.00


JUDGE_MAX = Score._meta.get_field("judge").max_length


def check_mark(*, judge: str, part: str, points: object) -> tuple[str, str, Decimal]:
    """A mark's judge (trimmed), part and points as ``record_score`` stores them, or
    ``DomainError`` naming the field (``judge``, ``part``, ``points``); the importer checks
    every row with it before anything is written."""
    if part not in Part.values:
        raise DomainError("bad_part", "评分部分应为理论或实操", field="part")
    judge = judge.strip()
    if not judge:
        raise DomainError("judge_required", "请填写评委", field="judge")
    if len(judge) > JUDGE_MAX:
        raise DomainError("judge_too_long", f"评委姓名最多{JUDGE_MAX}个字", field="judge")
    return judge, part, parse_points(points)


@dataclass
class Marked:
    score: Score
    change: str  # "created", "updated" or "unchanged" (the same mark again writes nothing)


@transaction.atomic
def record_score(
    *, by, entry: Entry, judge: str, part: str, points: object, client_ip: str | None = None
) -> Marked:
    """One judge's mark for one part; marking again replaces the judge's earlier mark, and
    the same mark again changes nothing (no write, no audit row), so imports can repeat."""
    require_in_scope(by, "record_services", entry.competition.org_path)
    judge, part, value = check_mark(judge=judge, part=part, points=points)
    earlier = Score.objects.filter(entry=entry, judge=judge, part=part).first()
    if earlier is not None and earlier.points == value:
        return Marked(earlier, "unchanged")
    score, _ = Score.objects.update_or_create(
        entry=entry, judge=judge, part=part, defaults={"points": value}
    )
    record_event(
        actor=by,
        action="score",
        object_type="competition_entry",
        object_id=entry.pk,
        org_path=entry.org_path,
        before={"points": str(earlier.points)} if earlier else None,
        after={"judge": judge, "part": part, "points": str(value)},
        client_ip=client_ip,
    )
    return Marked(score, "updated" if earlier else "created")


def may_score(user, competition: Competition) -> bool:
    """Whether ``record_score`` would accept the user's marks for this contest (pages show
    the marking forms only then)."""
    return _may(user, "record_services", competition)


def may_award(user, competition: Competition) -> bool:
    """Whether ``award_from_results`` would accept the user's award for this contest."""
    return _may(user, "manage_programs", competition)


def _may(user, permission: str, competition: Competition) -> bool:
    try:
        require_in_scope(user, permission, competition.org_path)
    except PermissionDenied:
        return False
    return True


# --- reads ----------------------------------------------------------------------------------


def competitions_visible_to(user) -> QuerySet[Competition]:
    """Contests run in the user's subtree and those run above it (their workers take part)."""
    return Competition.objects.here_or_above(user).select_related("org")


def competition_for(user, pk: int) -> Competition:
    try:
        return competitions_visible_to(user).get(pk=pk)
    except Competition.DoesNotExist:
        raise Http404 from None


def entries_of(competition: Competition) -> QuerySet[Entry]:
    """A contest's entries for choosing one to mark (the caller may mark this contest, so
    every entry lies in their subtree)."""
    return competition.entries.select_related("worker__org").order_by("worker__name", "pk")


@dataclass
class Ranked:
    entry: Entry
    theory: Fraction | None
    practical: Fraction | None
    total: Fraction | None
    rank: int | None  # None: 成绩不全

    @staticmethod
    def shown(value: Fraction | None) -> str:
        if value is None:
            return "—"
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    @property
    def total_shown(self) -> str:
        return self.shown(self.total)

    @property
    def theory_shown(self) -> str:
        return self.shown(self.theory)

    @property
    def practical_shown(self) -> str:
        return self.shown(self.practical)


def _mean(marks: list[Decimal]) -> Fraction | None:
    return sum((Fraction(m) for m in marks), Fraction(0)) / len(marks) if marks else None


def ranking(competition: Competition) -> list[Ranked]:
    """Every entry of the competition with its exact scores and rank (see the module doc)."""
    entries = list(competition.entries.select_related("worker__org").prefetch_related("scores"))
    weight = Fraction(competition.theory_weight, 100)
    rows = []
    for entry in entries:
        marks = {Part.THEORY: [], Part.PRACTICAL: []}
        for score in entry.scores.all():
            marks[score.part].append(score.points)
        theory, practical = _mean(marks[Part.THEORY]), _mean(marks[Part.PRACTICAL])
        missing = (weight and theory is None) or (weight < 1 and practical is None)
        total = None if missing else weight * (theory or 0) + (1 - weight) * (practical or 0)
        rows.append(Ranked(entry, theory, practical, total, None))
    ranked = sorted(
        (r for r in rows if r.total is not None),
        key=lambda r: (-r.total, -(r.practical or 0), r.entry.pk),
    )
    for i, row in enumerate(ranked):
        before = ranked[i - 1] if i else None
        same = before and (before.total, before.practical or 0) == (row.total, row.practical or 0)
        row.rank = before.rank if same else i + 1
    return ranked + [r for r in rows if r.total is None]


def ranking_visible_to(user, competition: Competition) -> list[Ranked]:
    """The ranking computed over all entries, showing only the user's subtree's workers."""
    return [
        r
        for r in ranking(competition)
        if in_scope(user, competition.org_path) or in_scope(user, r.entry.worker.org_path)
    ]


# --- craftsmen registry ---------------------------------------------------------------------

TITLE_MAX = CraftsmanTitle._meta.get_field("title").max_length


@transaction.atomic
def award_title(
    *,
    by,
    worker,
    title: str,
    level: str,
    year: int,
    competition: Competition | None = None,
    rank: int | None = None,
    client_ip: str | None = None,
) -> CraftsmanTitle:
    """Record an honour for a worker of the staff's subtree; the same honour twice in one year
    is refused."""
    require_in_scope(by, "manage_programs", worker.org_path)
    if level not in TitleLevel.values:
        raise DomainError("bad_level", "称号级别应为全国、省级、市级或企业", field="level")
    if not title.strip():
        raise DomainError("title_required", "请填写称号", field="title")
    if len(title.strip()) > TITLE_MAX:
        raise DomainError("title_too_long", f"称号最多{TITLE_MAX}个字", field="title")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError("bad_year", f"授予年份须在{FIRST_YEAR}–{LAST_YEAR}年之间", field="year")
    try:
        with transaction.atomic():
            honour = CraftsmanTitle.objects.create(
                worker=worker,
                org_path=worker.org_path,
                title=title.strip(),
                level=level,
                year=year,
                competition=competition,
                rank=rank,
            )
    except IntegrityError:
        raise DomainError(
            "already_awarded", f"该职工{year}年已获“{title.strip()}”", field="title"
        ) from None
    record_event(
        actor=by,
        action="award",
        object_type="craftsman_title",
        object_id=honour.pk,
        org_path=worker.org_path,
        after={
            "worker": worker.pk,
            "title": honour.title,
            "level": level,
            "year": year,
            "competition": competition.pk if competition else None,
        },
        client_ip=client_ip,
    )
    return honour


_LEVEL_OF_TIER = {
    "province": TitleLevel.PROVINCE,
    "city": TitleLevel.CITY,
    "enterprise": TitleLevel.ENTERPRISE,
}


def award_from_results(
    *,
    by,
    competition: Competition,
    places: int,
    title: str = "技术能手",
    client_ip: str | None = None,
) -> list[CraftsmanTitle]:
    """Give ``title`` to every ranked entry placed ``places`` or better (ties all included:
    with ranks 1, 2, 2, 4, the top 2 places are three people). All or none: a worker who
    already holds the title that year refuses the whole award, naming the title."""
    require_in_scope(by, "manage_programs", competition.org_path)
    if places < 1:
        raise DomainError("bad_places", "授予名次须为1或以上", field="places")
    if competition.held_on > timezone.localdate():
        raise DomainError(
            "not_held", f"竞赛将于{competition.held_on}举行，赛后方可按成绩授予", field="places"
        )
    placed = [row for row in ranking(competition) if row.rank is not None and row.rank <= places]
    if not placed:
        raise DomainError("no_results", "尚无成绩完整的参赛者，无法按成绩授予", field="places")
    with transaction.atomic():
        return [
            award_title(
                by=by,
                worker=row.entry.worker,
                title=title,
                level=_LEVEL_OF_TIER[competition.tier],
                year=competition.held_on.year,
                competition=competition,
                rank=row.rank,
                client_ip=client_ip,
            )
            for row in placed
        ]


@transaction.atomic
def set_public_profile(*, by: WorkerActor, worker, public: bool) -> PublicProfile:
    """Only the worker consents to (or withdraws) their public craftsman page."""
    if not isinstance(by, WorkerActor) or by.worker_id != worker.pk:
        raise PermissionDenied("forbidden", "公开个人主页须由职工本人同意")
    profile, _ = PublicProfile.objects.update_or_create(
        worker=worker, defaults={"public": public, "changed_at": timezone.now()}
    )
    record_event(
        actor=by,
        action="consent",
        object_type="public_profile",
        object_id=worker.pk,
        org_path=worker.org_path,
        after={"public": public},
    )
    return profile


def titles_visible_to(user) -> QuerySet[CraftsmanTitle]:
    return CraftsmanTitle.objects.visible_to(user).select_related("worker__org", "competition")


def titles_by_name(user) -> list[tuple[str, int]]:
    """Distinct craftsmen per title in the user's subtree (the registry is small: raw rows)."""
    rows = titles_visible_to(user).values("title").annotate(n=Count("worker", distinct=True))
    return [(row["title"], row["n"]) for row in rows.order_by("-n", "title")]


def craftsmen(under: Under, period: Period) -> int:
    """Distinct workers holding a title (劳模工匠) awarded by the end of ``period``: the
    registry as it stands then, from the titles themselves (exact at every level; a worker
    with several titles counts once). A title counts under the union the worker belonged
    to when it was awarded.

    A title records its year, not its day: a period ending on 31 December counts the titles
    up to that year; one ending earlier in a year counts only those of the years before,
    since a title of that year may have been awarded after the period's end, and a
    published figure should not count it."""
    end = period.end
    last_year = end.year if (end.month, end.day) == (12, 31) else end.year - 1
    titles = CraftsmanTitle.objects.filter(**under.filter(), year__lte=last_year)
    return titles.values("worker_id").distinct().count()


def public_titles(worker_id: int) -> tuple[object, list[CraftsmanTitle]] | None:
    """The worker and their honours, only if the worker consented to a public page."""
    profile = (
        PublicProfile.objects.filter(worker_id=worker_id, public=True)
        .select_related("worker__org")
        .first()
    )
    if profile is None:
        return None
    titles = CraftsmanTitle.objects.filter(worker_id=worker_id).order_by("-year", "id")
    return profile.worker, list(titles)
