"""Cultural events sent to the grassroots (五送) and worker bookhouses (职工书屋).

An ``Event`` is planned first and reported as held with its audience (an
estimate for open-air shows): audience is person-times, never persons. Where
tickets or sign-in are used, the held event also lists its ``EventAttendee``
workers from the registry, one row per worker. ``CultureDaily`` keeps events
held, audience and signed-in attendances per org and day, and
``CultureWorkerYear`` the attendances per (worker, year, county) from which
distinct attendees are exact at county level and above; both in the same
transaction as the write.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.core.models import UploadRecord
from gonghui.core.rollups import OrgPeriodRollup, WorkerYearRollup, persons_indexes
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
    ebooks = models.PositiveIntegerField("电子图书（册）", default=0)
    periodicals = models.PositiveIntegerField("期刊（种）", default=0)
    opening_hours = models.CharField("开放时间", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "职工书屋"
        verbose_name_plural = "职工书屋"
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level="none") | Q(level_year__isnull=False),
                name="demonstration_level_has_year",
            ),
            # The visits import names a bookhouse by its org code and name.
            models.UniqueConstraint(fields=["org", "name"], name="bookhouse_name_per_org"),
        ]

    def __str__(self) -> str:
        return self.name


class BookhouseMonth(models.Model):
    """Readers' visits (person-times) of one bookhouse in one month, as its staff count them.

    The figure itself is the record: recording or importing a month again replaces it.
    """

    bookhouse = models.ForeignKey(Bookhouse, models.PROTECT, related_name="months")
    org_path = models.CharField(max_length=255, db_index=True)
    month = models.DateField("月份")  # the first day of the month
    visits = models.PositiveIntegerField("读者人次")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "书屋月度读者人次"
        verbose_name_plural = "书屋月度读者人次"
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["bookhouse", "month"], name="bookhouse_month_key"),
            models.CheckConstraint(condition=Q(month__day=1), name="bookhouse_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.bookhouse_id}/{self.month:%Y-%m}: {self.visits}"


class AttendeeChannel(models.TextChoices):
    STAFF = "staff", "工作人员签到"
    IMPORT = "import", "签到表导入"


class EventAttendee(models.Model):
    """A registered worker who signed in at a held event (ticket or sign-in sheet)."""

    event = models.ForeignKey(Event, models.PROTECT, related_name="attendees")
    worker = models.ForeignKey("members.Worker", models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)  # the event's
    day = models.DateField()  # the event's
    channel = models.CharField("签到方式", max_length=10, choices=AttendeeChannel.choices)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "活动签到"
        verbose_name_plural = "活动签到"
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "worker"], name="one_sign_in_per_worker")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}/{self.worker_id}"


class EventPhoto(UploadRecord):
    """A JPEG or PNG of a held or planned event, encrypted on disk outside the web root."""

    PURPOSE = "culture-event-photo"

    event = models.ForeignKey(Event, models.PROTECT, related_name="photos")
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField("文件名", max_length=200)

    objects = ScopedQuerySet.as_manager()

    class Meta(UploadRecord.Meta):
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"

    def __str__(self) -> str:
        return self.name


class CultureDaily(OrgPeriodRollup):
    """Rollup per organiser org × day: events held, audience person-times (reported,
    often estimated) and attendances (signed-in workers, person-times)."""

    day = models.DateField()
    events = models.BigIntegerField(default=0)
    audience = models.BigIntegerField(default=0)
    attendances = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "day"], name="culture_daily_key")]

    def __str__(self) -> str:
        return f"{self.org_id}/{self.day}: {self.events}/{self.audience}"


class CultureWorkerYear(WorkerYearRollup):
    """Rollup: a worker's event attendances per year and county of the organiser, so distinct
    attendees at county level and above are a count of rows, never a sum of children."""

    attendances = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "year", "county"], name="culture_worker_year_key"
            )
        ]
        indexes = persons_indexes("culture_wy")

    def __str__(self) -> str:
        return f"{self.worker_id}/{self.year}/{self.county_id}"


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


class ReadingSource(models.TextChoices):
    LINK = "link", "跟踪链接"
    IMPORT = "import", "文件导入"


class ReadingDaily(models.Model):
    """Reads and shares of a campaign per org and day, by source: a tracking link counts per
    item (``item`` set), an imported platform report per campaign (``item`` empty).

    The sources never overwrite each other: a re-import replaces only the imported row of
    the same (campaign, org, day), so tracked clicks survive it and importing twice counts once.
    """

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="+")
    item = models.ForeignKey(ContentItem, models.PROTECT, related_name="+", null=True)
    source = models.CharField(max_length=10, choices=ReadingSource.choices)
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=255, db_index=True)
    day = models.DateField()
    reads = models.BigIntegerField(default=0)
    shares = models.BigIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "org", "day"],
                condition=Q(source="link"),
                name="reading_daily_key",
            ),
            models.UniqueConstraint(
                fields=["campaign", "org", "day"],
                condition=Q(source="import"),
                name="reading_import_key",
            ),
            models.CheckConstraint(
                condition=Q(source="link", item__isnull=False)
                | Q(source="import", item__isnull=True),
                name="reading_source_has_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}/{self.org_id}/{self.day}"


class ReadingClient(models.Model):
    """A client that already counted a read (or a share) of ``campaign`` today: one per
    client, campaign, day and kind, so a script reloading a tracking link counts once.

    ``client`` is ``core.ratelimit.anonymous_client``, a keyed hash salted with the day (no
    address is stored); rows of earlier days are deleted as the next day's arrive.
    """

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="+")
    day = models.DateField(db_index=True)
    client = models.CharField(max_length=64)
    shared = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "day", "client", "shared"], name="reading_client_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.day}/{self.client}"
