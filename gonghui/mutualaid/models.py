"""Critical-illness mutual aid: yearly plans, enrolments (person-years), claims, payouts.

Money is integer fen. An ``Enrolment`` is one person-year (人次); distinct
payees come from ``AidPayeeYear`` (one row per worker × year × county), never
from adding distinct counts up the tree. Diagnoses are health data: held only
encrypted, shown in full only to reviewers of the claim's subtree.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from gonghui.core.audited import AuditedQuerySet
from gonghui.core.models import UploadRecord
from gonghui.core.rollups import OrgPeriodRollup, WorkerYearRollup, persons_indexes
from gonghui.core.rotation import Sealed
from gonghui.core.scoping import ScopedQuerySet

DIAGNOSIS_PURPOSE = "mutualaid-diagnosis"


class Plan(models.Model):
    """One year's mutual-aid plan run by an org for its subtree."""

    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="主办组织")
    org_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("名称", max_length=100)
    contribution_fen = models.BigIntegerField("每人缴费（分）")
    enrol_opens = models.DateField("参保开始")
    enrol_closes = models.DateField("参保截止")
    cover_starts = models.DateField("保障开始")
    cover_ends = models.DateField("保障结束")
    annual_cap_fen = models.BigIntegerField("每人年度最高互助金（分）")
    waiting_days = models.PositiveSmallIntegerField("等待期（天）", default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "互助保障计划"
        verbose_name_plural = "互助保障计划"
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="one_aid_plan_per_org_year"),
            models.CheckConstraint(
                condition=Q(cover_ends__gte=F("cover_starts")), name="aid_cover"
            ),
            models.CheckConstraint(
                condition=Q(enrol_closes__gte=F("enrol_opens")), name="aid_enrol_window"
            ),
            models.CheckConstraint(condition=Q(contribution_fen__gt=0), name="aid_contribution"),
        ]

    def __str__(self) -> str:
        return self.name


class Benefit(models.Model):
    """One line of a plan's schedule: an illness category and the amount it pays."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="benefits")
    category = models.CharField("疾病类别", max_length=50)
    amount_fen = models.BigIntegerField("互助金（分）")

    class Meta:
        verbose_name = "给付标准"
        verbose_name_plural = "给付标准"
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "category"], name="one_benefit_per_category"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="benefit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category}"


class Enrolment(models.Model):
    """One worker in one plan year (一人次); cover starts when the contribution is recorded."""

    plan = models.ForeignKey(Plan, models.PROTECT, related_name="enrolments")
    worker = models.ForeignKey("members.Worker", models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="参保组织")
    org_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    contribution_fen = models.BigIntegerField("缴费（分）")
    paid_on = models.DateField("缴费日期")
    cover_starts = models.DateField("保障开始")
    cover_ends = models.DateField("保障结束")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "参保记录"
        verbose_name_plural = "参保记录"
        constraints = [
            models.UniqueConstraint(fields=["plan", "worker"], name="one_enrolment_per_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.worker_id}"


class ClaimState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    CHECKED = "checked", "基层已核实"
    RETURNED = "returned", "退回补充材料"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "不予给付"
    PAID = "paid", "已发放"


class Claim(models.Model):
    """A claim for one illness episode (enrolment × category × diagnosis date)."""

    enrolment = models.ForeignKey(Enrolment, models.PROTECT, related_name="claims")
    benefit = models.ForeignKey(Benefit, models.PROTECT, related_name="+", verbose_name="疾病类别")
    worker = models.ForeignKey("members.Worker", models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="受理组织")
    org_path = models.CharField(max_length=255, db_index=True)
    diagnosed_on = models.DateField("确诊日期")
    hospital = models.CharField("医院", max_length=100)
    diagnosis_cipher = models.BinaryField("诊断（密文）")
    SEALED = (Sealed("diagnosis_cipher", DIAGNOSIS_PURPOSE),)
    claimed_fen = models.BigIntegerField("申请金额（分）")
    rule_fen = models.BigIntegerField("按规则可给付（分）", null=True, blank=True)
    rule_text = models.CharField("计算依据", max_length=300, blank=True)
    approved_fen = models.BigIntegerField("批准金额（分）", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=20, choices=ClaimState.choices, default=ClaimState.DRAFT
    )
    state_changed_at = models.DateTimeField("状态变更时间")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "互助金申请"
        verbose_name_plural = "互助金申请"
        ordering = ["-state_changed_at", "-id"]
        constraints = [
            # One live claim per illness episode; a rejected claim frees the episode.
            models.UniqueConstraint(
                fields=["enrolment", "benefit", "diagnosed_on"],
                condition=~Q(state="rejected"),
                name="one_claim_per_episode",
            ),
            models.CheckConstraint(condition=Q(claimed_fen__gt=0), name="claim_positive"),
            models.CheckConstraint(
                condition=Q(approved_fen__isnull=True) | Q(approved_fen__lte=F("rule_fen")),
                name="approved_within_rule",
            ),
        ]
        indexes = [models.Index(fields=["state", "org_path"])]

    def __str__(self) -> str:
        return f"申请{self.pk}"


class ClaimDocument(UploadRecord):
    """Evidence for a claim (diagnosis, bills): encrypted on disk outside the web root."""

    PURPOSE = "mutualaid-document"

    claim = models.ForeignKey(Claim, models.PROTECT, related_name="documents")
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField("文件名", max_length=200)

    objects = ScopedQuerySet.as_manager()

    class Meta(UploadRecord.Meta):
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"

    def __str__(self) -> str:
        return self.name


class Payout(models.Model):
    """Money paid on one claim; the one-to-one and the unique reference forbid paying twice."""

    claim = models.OneToOneField(Claim, models.PROTECT, related_name="payout")
    reference = models.CharField("发放单号", max_length=40, unique=True)
    worker = models.ForeignKey("members.Worker", models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    amount_fen = models.BigIntegerField("金额（分）")
    paid_on = models.DateField("发放日期")
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "互助金发放"
        verbose_name_plural = "互助金发放"
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payout_positive"),
        ]

    def __str__(self) -> str:
        return self.reference


class AidOrgYear(OrgPeriodRollup):
    """Rollup: enrolments (person-years), payouts and amount paid per org × year."""

    year = models.PositiveSmallIntegerField()
    enrolments = models.BigIntegerField(default=0)
    payouts = models.BigIntegerField(default=0)
    paid_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="aid_org_year_key"),
        ]

    def __str__(self) -> str:
        return f"{self.org_id}/{self.year}"


class AidPayeeYear(WorkerYearRollup):
    """Rollup: payouts to one worker in one year and county, for exact distinct payees."""

    payouts = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "year", "county"], name="aid_payee_year_key"),
        ]
        indexes = persons_indexes("aid_payee")

    def __str__(self) -> str:
        return f"{self.worker_id}/{self.year}/{self.county_id}"


class RosterState(models.TextChoices):
    SUBMITTED = "submitted", "待上级审核"
    REVIEWED = "reviewed", "已审核"


class RowDecision(models.TextChoices):
    PENDING = "pending", "待审核"
    ACCEPTED = "accepted", "通过"
    RETURNED = "returned", "退回"


class EnrolmentRoster(models.Model):
    """A bulk enrolment submitted by a union's agent, reviewed by the next union up."""

    plan = models.ForeignKey(Plan, models.PROTECT, related_name="rosters")
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="报送组织")
    org_path = models.CharField(max_length=255, db_index=True)
    filename = models.CharField("文件名", max_length=255)
    state = models.CharField(
        "状态", max_length=12, choices=RosterState.choices, default=RosterState.SUBMITTED
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "批量参保名册"
        verbose_name_plural = "批量参保名册"
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class RosterRow(models.Model):
    roster = models.ForeignKey(EnrolmentRoster, models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField("行号")
    worker = models.ForeignKey("members.Worker", models.PROTECT, related_name="+")
    paid_on = models.DateField("缴费日期")
    decision = models.CharField(
        "审核结果", max_length=10, choices=RowDecision.choices, default=RowDecision.PENDING
    )
    reason = models.CharField("退回理由", max_length=200, blank=True)
    enrolment = models.OneToOneField(
        Enrolment, models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["roster", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "worker"], name="one_row_per_worker"),
        ]

    def __str__(self) -> str:
        return f"{self.roster_id}#{self.row_number}"
