"""Benefit programs, the points that deliver them, the services delivered and their rollups.

Money is integer fen. A ``ServiceRecord`` is one person-time; distinct persons
come from ``ProgramWorkerYear`` (one row per program × worker × year × county),
never from adding distinct counts up the tree.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.core.audited import AuditedQuerySet
from gonghui.core.rollups import OrgPeriodRollup, WorkerYearRollup, persons_indexes
from gonghui.core.scoping import ScopedQuerySet, subtree_index


class ProgramKind(models.TextChoices):
    ONE_OFF = "one_off", "一次性服务（如免费体检）"
    POLICY = "policy", "赠送保险"
    DAILY = "daily", "日常服务（如免费早餐）"


class Frequency(models.TextChoices):
    ONCE = "once", "每人限一次"
    YEARLY = "yearly", "每人每年一次"
    DAILY = "daily", "每人每天一次"


class WhenExhausted(models.TextChoices):
    REFUSE = "refuse", "预算用完即停止"
    CONTINUE = "continue", "超出预算继续服务（记为超支）"


class ReportLine(models.TextChoices):
    """The published line of the report card a programme's figures count in (several
    cities may each run a breakfast programme; the province prints one line for all)."""

    NONE = "", "不单列"
    NEW_EMPLOYMENT_EXAM = "nef_exam", "新就业形态劳动者免费体检"
    TRUCK_INSURANCE = "truck_insurance", "货车司机意外伤害保险"
    SANITATION_BREAKFAST = "breakfast", "环卫工人免费早餐"


class Program(models.Model):
    org = models.ForeignKey(
        "orgs.Org", models.PROTECT, related_name="programs", verbose_name="主办组织"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField("项目名称", max_length=100)
    kind = models.CharField("类型", max_length=10, choices=ProgramKind.choices)
    report_line = models.CharField(
        "成绩单栏目", max_length=20, choices=ReportLine.choices, default="", blank=True
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    is_active = models.BooleanField("启用", default=True)
    categories = models.PositiveIntegerField("限职工类别（0为不限）", default=0)
    min_age = models.PositiveSmallIntegerField("最低年龄", null=True, blank=True)
    max_age = models.PositiveSmallIntegerField("最高年龄", null=True, blank=True)
    members_only = models.BooleanField("仅限会员", default=False)
    frequency = models.CharField("频次限制", max_length=10, choices=Frequency.choices)
    unit_cost_fen = models.BigIntegerField("单价（分）", default=0)
    budget_fen = models.BigIntegerField("预算（分）", null=True, blank=True)
    # Who set the budget now in force (the organiser, then each change): four eyes keep them
    # from changing it again themselves.
    budget_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="预算设定人",
    )
    when_exhausted = models.CharField(
        "预算用完后", max_length=10, choices=WhenExhausted.choices, default=WhenExhausted.REFUSE
    )
    insurer = models.CharField("保险公司", max_length=100, blank=True)
    policy_number = models.CharField("保单号", max_length=64, blank=True)
    cover_starts = models.DateField("保障开始", null=True, blank=True)
    cover_ends = models.DateField("保障结束", null=True, blank=True)
    sum_insured_fen = models.BigIntegerField("保额（分）", null=True, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "服务项目"
        verbose_name_plural = "服务项目"
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="program_period"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# Shared counters (a program's spending, a day's rollup) are split into this many rows,
# chosen by worker, so that simultaneous check-ins at one point do not queue on one row.
SLOTS = 8


def slot_of(worker_id: int) -> int:
    return worker_id % SLOTS


class BudgetSlot(models.Model):
    """One of a program's ``SLOTS`` spending counters; the program has spent their sum.

    With a budget that refuses when used up, each slot holds an allotment of it
    and may spend only that (``spent_fen <= allotted_fen``, also a database
    constraint); the allotments always add up to the budget, so the program can
    never overspend, and a slot that runs dry takes a share of what the others
    have left (see ``services._spend``). ``allotted_fen`` is NULL without a cap.
    """

    program = models.ForeignKey(Program, models.CASCADE, related_name="budget_slots")
    slot = models.PositiveSmallIntegerField()
    allotted_fen = models.BigIntegerField(null=True)
    spent_fen = models.BigIntegerField(default=0)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "slot"], name="budget_slot_key"),
            models.CheckConstraint(
                condition=Q(allotted_fen__isnull=True) | Q(spent_fen__lte=models.F("allotted_fen")),
                name="budget_slot_within_allotment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_id}#{self.slot}: {self.spent_fen}/{self.allotted_fen}"


class ServicePoint(models.Model):
    """A place that delivers programs: a breakfast shop, a hospital, an insurer's desk."""

    org = models.ForeignKey(
        "orgs.Org", models.PROTECT, related_name="service_points", verbose_name="所属组织"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField("服务点名称", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)
    programs = models.ManyToManyField(Program, related_name="points", verbose_name="提供的项目")
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="service_points", blank=True, verbose_name="核销人员"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "服务点"
        verbose_name_plural = "服务点"

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    SCAN = "scan", "扫码"
    MANUAL = "manual", "手工登记"
    IMPORT = "import", "导入"


class ServiceRecord(models.Model):
    """One service delivered (one person-time). Voided, never deleted.

    ``period_key`` names the frequency window ('' once per program, '2026' per
    year, '2026-11-25' per day); the partial unique constraint on (program,
    worker, period_key) among live records is what enforces the limit, also
    against concurrent check-ins.
    """

    # No index of its own: the constraints and the (program, served_on) index lead with it.
    program = models.ForeignKey(Program, models.PROTECT, related_name="records", db_index=False)
    worker = models.ForeignKey("members.Worker", models.PROTECT, related_name="service_records")
    point = models.ForeignKey(
        ServicePoint, models.PROTECT, null=True, blank=True, related_name="records"
    )
    org = models.ForeignKey(
        "orgs.Org", models.PROTECT, related_name="+", verbose_name="服务所在组织"
    )
    org_path = models.CharField(max_length=255)
    served_at = models.DateTimeField("服务时间")
    served_on = models.DateField("服务日期")
    period_key = models.CharField(max_length=10)
    quantity = models.PositiveIntegerField("数量", default=1)
    amount_fen = models.BigIntegerField("金额（分）", default=0)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    # NULL, not '', for "no request id": the idempotency constraint covers non-null ids only.
    request_id = models.CharField("请求编号", max_length=64, null=True, blank=True)  # noqa: DJ001
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    voided = models.BooleanField("已作废", default=False)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    void_reason = models.CharField("作废原因", max_length=200, blank=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "服务记录"
        verbose_name_plural = "服务记录"
        constraints = [
            models.UniqueConstraint(
                fields=["program", "worker", "period_key"],
                condition=Q(voided=False),
                name="one_live_record_per_period",
            ),
            models.UniqueConstraint(
                fields=["program", "request_id"],
                condition=Q(request_id__isnull=False),
                name="idempotent_request",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "served_on"]),
            subtree_index("service_record_subtree"),
        ]

    def __str__(self) -> str:
        return f"{self.program_id}:{self.worker_id}@{self.served_at:%Y-%m-%d %H:%M}"


class ProgramDaily(OrgPeriodRollup):
    """Rollup: live person-times and amount per program × delivering org × day, in
    ``SLOTS`` rows by the served worker (``slot_of``); readers add the slots up."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="+")
    day = models.DateField()
    slot = models.PositiveSmallIntegerField(default=0)
    person_times = models.BigIntegerField(default=0)
    amount_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "org", "day", "slot"], name="program_daily_slot_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id}/{self.org_id}/{self.day}#{self.slot}: {self.person_times}"


class ProgramOrgYear(OrgPeriodRollup):
    """Rollup: live person-times per program × delivering org × year, in ``SLOTS`` rows as
    the day rollup. A year of a province's breakfasts is a few thousand of these rows
    against a day rollup's near million or a per-worker rollup's 288 thousand, so the
    card's person-times of a whole year read here; ``line`` is the programme's card line."""

    program = models.ForeignKey(Program, models.CASCADE, related_name="+", db_index=False)
    line = models.CharField(max_length=20, choices=ReportLine.choices, default="", blank=True)
    year = models.PositiveSmallIntegerField()
    slot = models.PositiveSmallIntegerField(default=0)
    person_times = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "org", "year", "slot"], name="program_org_year_slot_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["line", "year", "org_path", "person_times"], name="program_org_year_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program_id}/{self.org_id}/{self.year}#{self.slot}: {self.person_times}"


class ProgramWorkerYear(WorkerYearRollup):
    """Rollup: live services of one worker in one program, year and county.

    Distinct persons at any level = distinct workers among rows whose
    ``org_path`` (the county's) lies under that level; exact, and small next
    to the raw records of a daily programme.
    """

    # No index of its own: the unique key leads with it.
    program = models.ForeignKey(Program, models.CASCADE, related_name="+", db_index=False)
    # The programme's report card line, kept on each row so that a line's distinct persons
    # are read in worker order from one index whatever the number of its programmes.
    line = models.CharField(max_length=20, choices=ReportLine.choices, default="", blank=True)
    org_path = models.CharField(max_length=255)
    times = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["program", "worker", "year", "county"], name="program_worker_year_key"
            )
        ]
        indexes = [
            subtree_index("program_worker_year_subtree"),
            *persons_indexes("program_wy", "line", measures=("times",)),
        ]

    def __str__(self) -> str:
        return f"{self.program_id}/{self.worker_id}/{self.year}/{self.county_id}: {self.times}"
