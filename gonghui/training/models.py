"""Night school (职工夜校) and the cultural palace's public classes.

A ``TrainingClass`` holds its seats in the database: ``enrolled_count`` never
exceeds ``capacity`` (a check constraint) and only ``services.enrol`` and
``services.cancel_enrolment`` move it, under a lock on the class row. An
``Enrolment`` is one application: seated (enrolled), on the waiting list in
``queue_no`` order, or cancelled. An ``Attendance`` is one person-time;
distinct persons come from ``TrainingWorkerYear``, never from adding counts
up the tree.
"""

from django.db import models
from django.db.models import F, Q

from gonghui.core.rollups import OrgPeriodRollup, WorkerYearRollup, persons_indexes
from gonghui.core.scoping import ScopedQuerySet

MIN_CAPACITY = 5
MAX_CAPACITY = 40


class Subject(models.Model):
    """A subject taught (书法, 戏曲, 太极, 相声 …); a shared catalogue, not org data."""

    name = models.CharField("科目", max_length=50, unique=True)

    class Meta:
        verbose_name = "科目"
        verbose_name_plural = "科目"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A day on which no class meets (statutory holidays, the palace's closing days)."""

    day = models.DateField("日期", unique=True)
    name = models.CharField("名称", max_length=50)

    class Meta:
        verbose_name = "节假日"
        verbose_name_plural = "节假日"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class Course(models.Model):
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="主办组织")
    org_path = models.CharField(max_length=255, db_index=True)
    subject = models.ForeignKey(
        Subject, models.PROTECT, related_name="courses", verbose_name="科目"
    )
    name = models.CharField("课程名称", max_length=100)
    description = models.TextField("课程简介", blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "课程"
        verbose_name_plural = "课程"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class TrainingClass(models.Model):
    """One class of a course: teacher, room, weekly sessions in a term, seats."""

    course = models.ForeignKey(Course, models.PROTECT, related_name="classes", verbose_name="课程")
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="开班组织")
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField("班级名称", max_length=100)
    teacher = models.CharField("授课老师", max_length=50)
    room = models.CharField("教室", max_length=100)
    # ISO weekdays, e.g. "2,4" = Tuesday and Thursday.
    weekdays = models.CharField("每周上课日", max_length=20)
    starts_at = models.TimeField("上课时间")
    ends_at = models.TimeField("下课时间")
    term_starts = models.DateField("开课日期")
    term_ends = models.DateField("结课日期")
    capacity = models.PositiveSmallIntegerField("名额")
    enrolled_count = models.PositiveSmallIntegerField("已录取", default=0)
    last_queue_no = models.PositiveIntegerField("报名序号", default=0)
    lottery = models.BooleanField("报满后摇号", default=False)
    lottery_seed = models.CharField("摇号种子", max_length=64, blank=True)
    lottery_drawn = models.BooleanField("已摇号", default=False)
    certificate_sessions = models.PositiveSmallIntegerField("结业所需出勤次数")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "班级"
        verbose_name_plural = "班级"
        ordering = ["-term_starts", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=MIN_CAPACITY) & Q(capacity__lte=MAX_CAPACITY),
                name="class_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(enrolled_count__lte=F("capacity")), name="class_seats_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(term_ends__gte=F("term_starts")), name="class_term_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weekday_numbers(self) -> list[int]:
        return [int(d) for d in self.weekdays.split(",") if d]

    @property
    def weekday_names(self) -> str:
        """周二、四 as the timetable prints it."""
        return "周" + "、".join("一二三四五六日"[d - 1] for d in self.weekday_numbers)

    @property
    def awaiting_lottery(self) -> bool:
        """Applications are collected first and seats given by the draw."""
        return self.lottery and not self.lottery_drawn


class Session(models.Model):
    """One meeting of a class on one day (generated from the schedule, holidays skipped)."""

    klass = models.ForeignKey(TrainingClass, models.CASCADE, related_name="sessions")
    org_path = models.CharField(max_length=255, db_index=True)
    day = models.DateField("日期")
    number = models.PositiveSmallIntegerField("第几次课")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "课次"
        verbose_name_plural = "课次"
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["klass", "day"], name="one_session_per_class_day")
        ]

    def __str__(self) -> str:
        return f"{self.klass_id}@{self.day}"


class EnrolmentState(models.TextChoices):
    ENROLLED = "enrolled", "已录取"
    WAITING = "waiting", "候补"
    CANCELLED = "cancelled", "已取消"


class Channel(models.TextChoices):
    PORTAL = "portal", "职工自助"
    CONSOLE = "console", "工作人员登记"
    API = "api", "接口"
    IMPORT = "import", "导入"


class Enrolment(models.Model):
    klass = models.ForeignKey(TrainingClass, models.PROTECT, related_name="enrolments")
    worker = models.ForeignKey("members.Worker", models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    state = models.CharField("状态", max_length=10, choices=EnrolmentState.choices)
    queue_no = models.PositiveIntegerField("报名序号")
    channel = models.CharField("报名渠道", max_length=10, choices=Channel.choices)
    applied_at = models.DateTimeField("报名时间")
    seated_at = models.DateTimeField("录取时间", null=True, blank=True)
    seated_on = models.DateField("录取日期", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    certificate_no = models.CharField("结业证书编号", max_length=32, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = "报名"
        ordering = ["queue_no", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["klass", "worker"],
                condition=~Q(state="cancelled"),
                name="one_live_enrolment_per_worker",
            ),
        ]
        indexes = [models.Index(fields=["klass", "state", "queue_no"])]

    def __str__(self) -> str:
        return f"{self.klass_id}:{self.worker_id} {self.state}"


class AttendanceChannel(models.TextChoices):
    LIST = "list", "老师点名"
    QR = "qr", "扫码签到"


class Attendance(models.Model):
    """One worker at one session: one person-time."""

    session = models.ForeignKey(Session, models.PROTECT, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="attendances")
    org_path = models.CharField(max_length=255, db_index=True)
    channel = models.CharField("签到方式", max_length=10, choices=AttendanceChannel.choices)
    at = models.DateTimeField("签到时间")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "出勤"
        verbose_name_plural = "出勤"
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="one_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}:{self.enrolment_id}"


class TrainingDaily(OrgPeriodRollup):
    """Rollup: seats taken and attendances per class org × day, and competition entries per
    contest org × contest day (all person-times)."""

    day = models.DateField()
    enrolments = models.BigIntegerField(default=0)
    attendances = models.BigIntegerField(default=0)
    entries = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "day"], name="training_daily_key")]

    def __str__(self) -> str:
        return f"{self.org_id}/{self.day}: {self.enrolments}/{self.attendances}"


class TrainingWorkerYear(WorkerYearRollup):
    """Rollup: one worker's seats, attendances and competition entries in one year and county.

    Distinct persons at any level = distinct workers among rows under that
    level's path with a non-zero count; exact, never summed up the tree.
    """

    enrolments = models.BigIntegerField(default=0)
    attendances = models.BigIntegerField(default=0)
    entries = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "year", "county"], name="training_worker_year_key"
            )
        ]
        indexes = persons_indexes("training_wy", measures=("enrolments", "attendances", "entries"))

    def __str__(self) -> str:
        return f"{self.worker_id}/{self.year}/{self.county_id}"


# --- skill competitions (百千万职工技能竞赛) -----------------------------------------------------


class Tier(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    ENTERPRISE = "enterprise", "企业级"


class Competition(models.Model):
    """One contest of one trade; the total is ``theory_weight``% theory + the rest practical."""

    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="主办组织")
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField("竞赛名称", max_length=100)
    tier = models.CharField("级别", max_length=12, choices=Tier.choices)
    trade = models.CharField("工种", max_length=50)
    held_on = models.DateField("比赛日期")
    theory_weight = models.PositiveSmallIntegerField("理论成绩权重（%）", default=30)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "技能竞赛"
        verbose_name_plural = "技能竞赛"
        ordering = ["-held_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(theory_weight__lte=100), name="competition_weight_percent"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    competition = models.ForeignKey(Competition, models.PROTECT, related_name="entries")
    worker = models.ForeignKey("members.Worker", models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "参赛报名"
        verbose_name_plural = "参赛报名"
        constraints = [
            models.UniqueConstraint(fields=["competition", "worker"], name="one_entry_per_worker")
        ]

    def __str__(self) -> str:
        return f"{self.competition_id}:{self.worker_id}"


class Part(models.TextChoices):
    THEORY = "theory", "理论"
    PRACTICAL = "practical", "实操"


class Score(models.Model):
    """One judge's mark (0–100, two decimals) for one part of one entry."""

    entry = models.ForeignKey(Entry, models.CASCADE, related_name="scores")
    judge = models.CharField("评委", max_length=50)
    part = models.CharField("部分", max_length=10, choices=Part.choices)
    points = models.DecimalField("分数", max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge", "part"], name="one_mark_per_judge"),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=100), name="score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.judge}/{self.part}: {self.points}"


# --- craftsmen and model workers (劳模工匠) -------------------------------------------------------


class TitleLevel(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    ENTERPRISE = "enterprise", "企业"


class CraftsmanTitle(models.Model):
    """One honour of one worker (劳动模范, 五一劳动奖章, 河南工匠, 技术能手 …) in one year.

    ``org_path`` is the worker's union's, so the registry is scoped like the worker;
    ``competition`` is set when the honour came from a contest's results.
    """

    worker = models.ForeignKey("members.Worker", models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    title = models.CharField("称号", max_length=50)
    level = models.CharField("级别", max_length=12, choices=TitleLevel.choices)
    year = models.PositiveSmallIntegerField("授予年份")
    competition = models.ForeignKey(
        Competition, models.PROTECT, null=True, blank=True, related_name="titles"
    )
    rank = models.PositiveIntegerField("竞赛名次", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "劳模工匠称号"
        verbose_name_plural = "劳模工匠称号"
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["worker", "title", "year"], name="one_title_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class PublicProfile(models.Model):
    """The worker's consent to a public craftsman page; only the worker sets it."""

    worker = models.OneToOneField("members.Worker", models.PROTECT, related_name="+")
    public = models.BooleanField("公开个人主页", default=False)
    changed_at = models.DateTimeField("修改时间")

    class Meta:
        verbose_name = "工匠公开主页"
        verbose_name_plural = "工匠公开主页"

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.public}"


# --- training-fund projects (校企合作) -----------------------------------------------------------


class FundKind(models.TextChoices):
    DIPLOMA = "diploma", "学历提升"
    SKILL = "skill", "职业技能培训"
    CERTIFICATE = "certificate", "技能等级认定"
    OTHER = "other", "其他"


class FundProject(models.Model):
    """A union's money for an employer's workers' courses at a college (school–enterprise).

    ``spent_fen`` is the sum of the project's spending entries; only
    ``funds.record_spending`` moves it, with a conditional update, and a check
    constraint keeps it within ``budget_fen``, so the budget cannot be overspent
    whoever spends at the same moment.
    """

    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="资助组织")
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField("项目名称", max_length=100)
    kind = models.CharField("类型", max_length=12, choices=FundKind.choices)
    employer = models.ForeignKey(
        "orgs.Employer", models.PROTECT, related_name="+", verbose_name="合作企业"
    )
    provider = models.CharField("合作院校/培训机构", max_length=100)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    budget_fen = models.BigIntegerField("预算（分）")
    spent_fen = models.BigIntegerField("已支出（分）", default=0)
    # Who set the budget in force (at creation or the last change): four eyes keep that
    # person from changing it again (``training.funds.update_fund_project``).
    budget_set_by = models.ForeignKey(
        "accounts.User",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="预算设定人",
    )
    created_at = models.DateTimeField("创建时间")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "培训资助项目"
        verbose_name_plural = "培训资助项目"
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(spent_fen__gte=0) & Q(spent_fen__lte=F("budget_fen")),
                name="fund_spent_within_budget",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="fund_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def left_fen(self) -> int:
        return self.budget_fen - self.spent_fen


class FundSpending(models.Model):
    """One payment out of a project's budget (tuition, books, exam fees …)."""

    project = models.ForeignKey(FundProject, models.PROTECT, related_name="spendings")
    org_path = models.CharField(max_length=255, db_index=True)
    spent_on = models.DateField("支出日期")
    amount_fen = models.BigIntegerField("金额（分）")
    purpose = models.CharField("用途", max_length=200)
    recorded_by = models.ForeignKey(
        "accounts.User", models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "资助支出"
        verbose_name_plural = "资助支出"
        ordering = ["spent_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="fund_spending_positive")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}@{self.spent_on}: {self.amount_fen}"


class FundTrainee(models.Model):
    """A registered worker funded by a project: one row per person and project."""

    project = models.ForeignKey(FundProject, models.PROTECT, related_name="trainees")
    worker = models.ForeignKey("members.Worker", models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    joined_on = models.DateField("入学日期")
    channel = models.CharField("登记渠道", max_length=10, choices=Channel.choices)
    added_at = models.DateTimeField("登记时间")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "资助学员"
        verbose_name_plural = "资助学员"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "worker"], name="one_trainee_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.worker_id}"


class OutcomeKind(models.TextChoices):
    COMPLETED = "completed", "结业"
    CERTIFIED = "certified", "取得证书/学历"
    SKILL_RAISED = "skill_raised", "技能等级提升"
    DROPPED = "dropped", "中途退出"


class FundOutcome(models.Model):
    """What a trainee achieved (or that they dropped out), with the date: one per kind."""

    trainee = models.ForeignKey(FundTrainee, models.PROTECT, related_name="outcomes")
    org_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField("结果", max_length=12, choices=OutcomeKind.choices)
    on = models.DateField("日期")
    note = models.CharField("证书编号/等级/说明", max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "培训结果"
        verbose_name_plural = "培训结果"
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["trainee", "kind"], name="one_outcome_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.trainee_id}: {self.kind}@{self.on}"


class FundYear(OrgPeriodRollup):
    """Rollup per funding org × year: projects and budget (by start year), spending (by
    payment date), trainees (person-times, by entry date) and outcomes by kind (by date).

    Distinct trainees are counted from ``FundTrainee`` itself (one row per person and
    project, a small registry), never summed from here.
    """

    year = models.PositiveSmallIntegerField()
    projects = models.BigIntegerField(db_default=0)
    budget_fen = models.BigIntegerField(db_default=0)
    spent_fen = models.BigIntegerField(db_default=0)
    trainees = models.BigIntegerField(db_default=0)
    completed = models.BigIntegerField(db_default=0)
    certified = models.BigIntegerField(db_default=0)
    skill_raised = models.BigIntegerField(db_default=0)
    dropped = models.BigIntegerField(db_default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="fund_year_key")]

    def __str__(self) -> str:
        return f"{self.org_id}/{self.year}"
