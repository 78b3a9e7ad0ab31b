"""Cultural events sent to the grassroots (五送) and worker bookhouses (职工书屋).

An ``Event`` is planned first and reported as held with its audience (an
estimate for open-air shows): audience is person-times, never persons.
``CultureDaily`` keeps events held and audience per org and day, in the
same transaction as the report.
"""

from django.db import models
from django.db.models import Q

from gonghui.core.scoping import ScopedQuerySet


class EventKind(models.TextChoices):
    PERFORMANCE = "performance", "送文艺"
    FILM = "film", "送电影"
    ART = "art", "送书画"
    TRAINING = "training", "送培训"
    LECTURE = "lecture", "送讲座"
    OTHER = "other", "其他"


class EventState(models.TextChoices):
    PLANNED = "planned", "计划中"
    HELD = "held", "已举办"
    CANCELLED = "cancelled", "已取消"


class Event(models.Model):
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="主办组织")
    org_path = models.CharField(max_length=255, db_index=True)
    kind = models.CharField("类别", max_length=12, choices=EventKind.choices)
    title = models.CharField("活动名称", max_length=100)
    venue = models.CharField("地点（村、社区、企业）", max_length=200)
    starts_at = models.DateTimeField("开始时间")
    day = models.DateField("日期")
    performers = models.CharField("演出团体/主讲人", max_length=200, blank=True)
    state = models.CharField("状态", max_length=10, choices=EventState.choices)
    audience = models.PositiveIntegerField("观众人次", null=True, blank=True)
    audience_estimated = models.BooleanField("人次为估计数", default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "文化活动"
        verbose_name_plural = "文化活动"
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="held", audience__isnull=False) | ~Q(state="held"),
                name="held_event_has_audience",
            )
        ]

    def __str__(self) -> str:
        return self.title


class BookhouseLevel(models.TextChoices):
    NATIONAL = "national", "全国示范点"
    PROVINCE = "province", "省级示范点"
    CITY = "city", "市级示范点"
    NONE = "none", "未评定"


class HostKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    UNION = "union", "工会"
    STATION = "station", "爱心驿站"


class Bookhouse(models.Model):
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="所属组织")
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField("书屋名称", max_length=100)
    host_kind = models.CharField("依托单位类型", max_length=12, choices=HostKind.choices)
    level = models.CharField("示范级别", max_length=10, choices=BookhouseLevel.choices)
    level_year = models.PositiveSmallIntegerField("命名年份", null=True, blank=True)
    holdings = models.PositiveIntegerField("藏书（册）", default=0)
    opening_hours = models.CharField("开放时间", max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "职工书屋"
        verbose_name_plural = "职工书屋"
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="none") | Q(level_year__isnull=False),
                name="demonstration_level_has_year",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CultureDaily(models.Model):
    """Rollup: events held and audience person-times per organiser org × day."""

    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    day = models.DateField()
    events = models.BigIntegerField(default=0)
    audience = models.BigIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "day"], name="culture_daily_key")]

    def __str__(self) -> str:
        return f"{self.org_id}/{self.day}: {self.events}/{self.audience}"


class Campaign(models.Model):
    """A reading campaign (悦读新思想 经典诵读) run by an org for its subtree."""

    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="主办组织")
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField("活动名称", max_length=100)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "阅读活动"
        verbose_name_plural = "阅读活动"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_period"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ContentItem(models.Model):
    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="items")
    title = models.CharField("篇目", max_length=200)
    url = models.URLField("原文链接")

    class Meta:
        verbose_name = "阅读篇目"
        verbose_name_plural = "阅读篇目"

    def __str__(self) -> str:
        return self.title


class ReadingDaily(models.Model):
    """Reads and shares of one item through one org's tracking link on one day (counts)."""

    item = models.ForeignKey(ContentItem, models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    day = models.DateField()
    reads = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "org", "day"], name="reading_daily_key")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.org_id}/{self.day}"
