"""Outdoor-worker rest stations (爱心驿站), their ratings, photos, closures, visits and visit
rollup.

Locations are stored in WGS-84 (``lat``/``lng``); the input as given
(``input_lat``/``input_lng`` in ``input_crs``) is kept so staff see what they
typed and a re-import compares like with like; GCJ-02 and BD-09 are derived
once at write time so serving them costs nothing. A ``Visit`` is one
person-time (or, for a head count entered by staff, ``count`` of them);
``StationDaily`` is the per-station per-day rollup of those person-times.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from gonghui.core.coords import CRS_LABELS, Crs
from gonghui.core.models import UploadRecord
from gonghui.core.rollups import RollupRow
from gonghui.core.scoping import ScopedQuerySet


class Status(models.TextChoices):
    OPEN = "open", "开放"
    SUSPENDED = "suspended", "暂停"
    CLOSED = "closed", "关闭"


class HostKind(models.TextChoices):
    UNION = "union", "工会"
    BANK = "bank", "银行网点"
    SHOP = "shop", "商户"
    GOVERNMENT = "government", "机关事业单位"
    OTHER = "other", "其他"


class CrsChoice(models.TextChoices):
    WGS84 = Crs.WGS84.value, CRS_LABELS[Crs.WGS84]
    GCJ02 = Crs.GCJ02.value, CRS_LABELS[Crs.GCJ02]
    BD09 = Crs.BD09.value, CRS_LABELS[Crs.BD09]


class Station(models.Model):
    org = models.ForeignKey(
        "orgs.Org", models.PROTECT, related_name="stations", verbose_name="所属组织"
    )
    org_path = models.CharField(max_length=255, db_index=True)
    name = models.CharField("驿站名称", max_length=100)
    host_kind = models.CharField(
        "依托单位类型", max_length=12, choices=HostKind.choices, default=HostKind.UNION
    )
    host_name = models.CharField("依托单位", max_length=100, blank=True)
    address = models.CharField("地址", max_length=200)
    lat = models.FloatField("纬度（WGS84）")
    lng = models.FloatField("经度（WGS84）")
    input_crs = models.CharField("录入坐标系", max_length=8, choices=CrsChoice.choices)
    input_lat = models.FloatField("录入纬度")
    input_lng = models.FloatField("录入经度")
    gcj_lat = models.FloatField("纬度（GCJ02）")
    gcj_lng = models.FloatField("经度（GCJ02）")
    bd_lat = models.FloatField("纬度（BD09）")
    bd_lng = models.FloatField("经度（BD09）")
    facilities = models.PositiveIntegerField("设施", default=0)
    facilities_other = models.CharField("其他设施", max_length=200, blank=True)
    kinds = models.PositiveIntegerField("驿站类型", default=0)
    hours = models.JSONField("开放时间")
    phone = models.CharField("联系电话", max_length=40, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField("启用日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "爱心驿站"
        verbose_name_plural = "爱心驿站"
        ordering = ["org_path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="station_name_per_org"),
            models.CheckConstraint(
                condition=Q(lat__gte=-90, lat__lte=90, lng__gte=-180, lng__lte=180),
                name="station_on_earth",
            ),
        ]
        # The nearest search cuts a lat/lng box first.
        indexes = [
            models.Index(fields=["status", "lat", "lng"], name="station_box"),
            # The counties with an open station (coverage) from the index alone.
            models.Index(fields=["status", "org_path"], name="station_status_path"),
        ]

    def __str__(self) -> str:
        return self.name


class Rating(models.TextChoices):
    MOST_BEAUTIFUL = "most_beautiful", "最美驿站"
    PROVINCIAL_DEMO = "provincial_demo", "省级示范驿站"
    NATIONAL_DEMO = "national_demo", "全国示范驿站"


class StationRating(models.Model):
    station = models.ForeignKey(Station, models.CASCADE, related_name="ratings")
    rating = models.CharField("称号", max_length=20, choices=Rating.choices)
    year = models.PositiveSmallIntegerField("授予年度")

    class Meta:
        verbose_name = "驿站称号"
        verbose_name_plural = "驿站称号"
        ordering = ["-year", "rating"]
        constraints = [
            models.UniqueConstraint(fields=["station", "rating", "year"], name="rating_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_rating_display()}"


class StationClosure(models.Model):
    """A date the station is closed (a holiday, a repair) whatever its weekly hours say."""

    station = models.ForeignKey(Station, models.CASCADE, related_name="closures")
    day = models.DateField("闭站日期")
    reason = models.CharField("原因", max_length=100, blank=True)

    class Meta:
        verbose_name = "闭站日期"
        verbose_name_plural = "闭站日期"
        constraints = [models.UniqueConstraint(fields=["station", "day"], name="closure_once")]

    def __str__(self) -> str:
        return f"{self.station_id}@{self.day}"


class PhotoQuerySet(ScopedQuerySet):
    scope_field = "station__org_path"  # a photo goes where its station goes


class StationPhoto(UploadRecord):
    """A JPEG or PNG of the station, encrypted on disk like every upload.

    Station locations and signposts are public, so a photo of an open station
    may be served without a login, by ``public_id``: random, so the photos of
    stations that are not open cannot be found by counting.
    """

    PURPOSE = "stations-photo"

    station = models.ForeignKey(Station, models.CASCADE, related_name="photos")
    public_id = models.CharField(max_length=32, unique=True)
    caption = models.CharField("说明", max_length=100, blank=True)

    objects = PhotoQuerySet.as_manager()

    class Meta(UploadRecord.Meta):
        verbose_name = "驿站照片"
        verbose_name_plural = "驿站照片"

    def __str__(self) -> str:
        return self.caption or f"{self.station_id}#{self.pk}"


class VisitChannel(models.TextChoices):
    SCAN = "scan", "扫职工工会卡"
    HEADCOUNT = "headcount", "工作人员登记人数"
    STATION_QR = "station_qr", "职工扫驿站二维码"


class Visit(models.Model):
    """One worker's visit (``count`` 1), or a head count of workers without phones.

    ``hour`` is the visit's local hour (``2026-11-25T14``); the partial unique
    constraint on (station, worker, hour) is what allows one visit per worker
    per station per hour, also against concurrent scans.
    """

    station = models.ForeignKey(Station, models.PROTECT, related_name="visits")
    org_path = models.CharField(max_length=255, db_index=True)
    worker = models.ForeignKey(
        "members.Worker", models.PROTECT, null=True, blank=True, related_name="+"
    )
    visited_at = models.DateTimeField("到访时间")
    day = models.DateField("到访日期")
    hour = models.CharField(max_length=13)
    count = models.PositiveIntegerField("人次", default=1)
    channel = models.CharField("方式", max_length=10, choices=VisitChannel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "到访记录"
        verbose_name_plural = "到访记录"
        constraints = [
            models.UniqueConstraint(
                fields=["station", "worker", "hour"],
                condition=Q(worker__isnull=False),
                name="one_visit_per_worker_hour",
            ),
            models.CheckConstraint(condition=Q(count__gte=1), name="visit_counts_someone"),
        ]

    def __str__(self) -> str:
        return f"{self.station_id}@{self.hour}×{self.count}"


class StationDaily(RollupRow):
    """Rollup: visit person-times per station per day, kept by the visit service."""

    station = models.ForeignKey(Station, models.CASCADE, related_name="+")
    day = models.DateField()
    person_times = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["station", "day"], name="station_daily_key")]

    def __str__(self) -> str:
        return f"{self.station_id}/{self.day}: {self.person_times}"
