"""Wage-arrears cases for migrant workers: the case, its workers and what each is owed,
recoveries per worker in instalments, transfers between orgs, and rollups.

Money is integer fen. Distinct workers helped come from ``RightsWorkerYear``
(one row per worker × year × county with a recovery), never from adding
distinct counts up the tree.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.core.audited import AuditedQuerySet
from gonghui.core.rollups import OrgPeriodRollup, WorkerYearRollup, persons_indexes
from gonghui.core.scoping import ScopedQuerySet


class Channel(models.TextChoices):
    HOTLINE = "hotline", "12351热线"
    WALK_IN = "walk_in", "来访"
    ONLINE = "online", "网上"
    REFERRED = "referred", "转交"


class CaseState(models.TextChoices):
    ACCEPTED = "accepted", "受理"
    INVESTIGATING = "investigating", "调查"
    MEDIATING = "mediating", "调解"
    REFERRED = "referred", "仲裁/诉讼"
    CLOSED = "closed", "结案"


class Referral(models.TextChoices):
    ARBITRATION = "arbitration", "劳动仲裁"
    LITIGATION = "litigation", "诉讼"


class Outcome(models.TextChoices):
    FULL = "full", "全部追回"
    PART = "part", "部分追回"
    NONE = "none", "未追回"


class CaseQuerySet(AuditedQuerySet):
    def visible_to(self, user):
        """Cases handled in the user's subtree, and cases their subtree handed on (read only)."""
        handed_on = CaseAccess.objects.visible_to(user).values("case_id")
        return super().visible_to(user) | self.filter(pk__in=handed_on)


class WageCase(models.Model):
    """One wage-arrears case; ``org`` handles it now, ``intake_org`` took it in."""

    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="承办组织")
    org_path = models.CharField(max_length=255, db_index=True)
    intake_org = models.ForeignKey(
        "orgs.Org", models.PROTECT, related_name="+", verbose_name="受理组织"
    )
    channel = models.CharField("来源渠道", max_length=10, choices=Channel.choices)
    employer_name = models.CharField("用人单位", max_length=200)
    employer_uscc = models.CharField("统一社会信用代码", max_length=18)
    project = models.CharField("工程项目", max_length=200, blank=True)
    contractor_name = models.CharField("施工总承包单位", max_length=200, blank=True)
    contractor_uscc = models.CharField("总承包单位信用代码", max_length=18, blank=True)
    summary = models.TextField("案情摘要", blank=True)
    state = models.CharField(
        "状态", max_length=20, choices=CaseState.choices, default=CaseState.ACCEPTED
    )
    state_changed_at = models.DateTimeField("状态变更时间")
    last_progress_at = models.DateTimeField("最近进展", db_index=True)
    referral = models.CharField("移送", max_length=12, choices=Referral.choices, blank=True)
    external_body = models.CharField("受理机构", max_length=200, blank=True)
    outcome = models.CharField("结案结果", max_length=10, choices=Outcome.choices, blank=True)
    opened_on = models.DateField("受理日期")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = "欠薪案件"
        verbose_name_plural = "欠薪案件"
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["state", "org_path"])]

    def __str__(self) -> str:
        return f"案件{self.pk}"


class CaseAccess(models.Model):
    """An org that handed the case on keeps read access to it."""

    case = models.ForeignKey(WageCase, models.CASCADE, related_name="accesses")
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "org"], name="one_access_per_org")]

    def __str__(self) -> str:
        return f"{self.case_id}@{self.org_id}"


class CaseWorker(models.Model):
    """A worker on a case and the wages owed to them."""

    case = models.ForeignKey(WageCase, models.CASCADE, related_name="workers")
    worker = models.ForeignKey("members.Worker", models.PROTECT, related_name="+")
    owed_fen = models.BigIntegerField("欠薪金额（分）")

    class Meta:
        verbose_name = "涉案职工"
        verbose_name_plural = "涉案职工"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "worker"], name="one_worker_per_case"),
            models.CheckConstraint(condition=Q(owed_fen__gt=0), name="owed_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.worker_id}"


class Recovery(models.Model):
    """One instalment recovered for one worker: wages and compensation kept apart.

    ``org`` is the org handling the case when the money was recovered, so the
    figures credit the org that did the work even after a transfer.
    """

    case_worker = models.ForeignKey(CaseWorker, models.PROTECT, related_name="recoveries")
    case = models.ForeignKey(WageCase, models.PROTECT, related_name="recoveries")
    worker = models.ForeignKey("members.Worker", models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    wages_fen = models.BigIntegerField("追回工资（分）")
    compensation_fen = models.BigIntegerField("追回赔偿金（分）")
    recovered_on = models.DateField("追回日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = "追回记录"
        verbose_name_plural = "追回记录"
        ordering = ["recovered_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(wages_fen__gte=0, compensation_fen__gte=0)
                & (Q(wages_fen__gt=0) | Q(compensation_fen__gt=0)),
                name="recovery_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.worker_id} {self.recovered_on}"


class RightsOrgYear(OrgPeriodRollup):
    """Rollup: instalments and fen recovered (wages, compensation) per org × year."""

    year = models.PositiveSmallIntegerField()
    instalments = models.BigIntegerField(default=0)
    wages_fen = models.BigIntegerField(default=0)
    compensation_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="rights_org_year_key")]

    def __str__(self) -> str:
        return f"{self.org_id}/{self.year}"


class RightsWorkerYear(WorkerYearRollup):
    """Rollup: instalments for one worker in one year and county, for exact distinct workers."""

    instalments = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "year", "county"], name="rights_worker_year_key"
            )
        ]
        indexes = persons_indexes("rights_wy")

    def __str__(self) -> str:
        return f"{self.worker_id}/{self.year}/{self.county_id}"
