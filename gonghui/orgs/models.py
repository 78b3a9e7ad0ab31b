"""The union tree: provincial federation → city → county → grassroots unions."""

from django.db import models
from django.db.models import Q
from stdnum.cn import uscc

from gonghui.core.coords import CRS_LABELS, Crs
from gonghui.core.scoping import ScopedQuerySet


class OrgKind(models.TextChoices):
    PROVINCE = "province", "省总工会"
    CITY = "city", "市总工会"
    COUNTY = "county", "县（区）总工会"
    GRASSROOTS = "grassroots", "基层工会"


class OrgQuerySet(ScopedQuerySet):
    scope_field = "path"


class Org(models.Model):
    """A union federation or grassroots union.

    ``path`` is the materialised chain of codes from the province down, each
    followed by ``/`` (``410000/411700/411702/``), so a subtree is one prefix.
    Federations use their GB/T 2260 code; grassroots unions use the county
    code plus a 4-digit sequence (``4117020001``).
    """

    code = models.CharField("组织代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=100)
    # Search keys of the name (core.chinese.name_keys), so an org is picked by typing 驻马店,
    # zhumadian or zmd.
    name_pinyin = models.CharField("拼音", max_length=300, default="")
    name_initials = models.CharField("拼音首字母", max_length=100, default="", db_index=True)
    kind = models.CharField("层级", max_length=12, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级"
    )
    path = models.CharField("路径", max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField("深度")
    employer = models.ForeignKey(
        "Employer",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="unions",
        verbose_name="所属单位",
    )

    objects = OrgQuerySet.as_manager()

    class Meta:
        verbose_name = "工会组织"
        verbose_name_plural = "工会组织"
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class EmployerQuerySet(ScopedQuerySet):
    scope_field = "org__path"


class Employer(models.Model):
    """An employer, identified by its unified social credit code (GB 32100).

    The workplace location is optional. Like a station's, it is stored in WGS-84
    (``lat``/``lng``) with the input as given (``input_lat``/``input_lng`` in
    ``input_crs``), so staff see what they typed and a re-import compares like with like.
    """

    name = models.CharField("单位名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    org = models.ForeignKey(
        Org, models.PROTECT, related_name="employers", verbose_name="所在县（区）总工会"
    )
    address = models.CharField("工作地点地址", max_length=200, blank=True)
    lat = models.FloatField("纬度（WGS84）", null=True, blank=True)
    lng = models.FloatField("经度（WGS84）", null=True, blank=True)
    input_crs = models.CharField(
        "录入坐标系", max_length=8, blank=True, choices=[(c.value, CRS_LABELS[c]) for c in Crs]
    )
    input_lat = models.FloatField("录入纬度", null=True, blank=True)
    input_lng = models.FloatField("录入经度", null=True, blank=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = "用人单位"
        verbose_name_plural = "用人单位"
        constraints = [
            models.CheckConstraint(
                name="employer_location_whole",
                condition=Q(
                    lat__isnull=True,
                    lng__isnull=True,
                    input_lat__isnull=True,
                    input_lng__isnull=True,
                    input_crs="",
                )
                | Q(
                    lat__gte=-90,
                    lat__lte=90,
                    lng__gte=-180,
                    lng__lte=180,
                    input_lat__isnull=False,
                    input_lng__isnull=False,
                )
                & ~Q(input_crs=""),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_location(self) -> bool:
        return self.lat is not None

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not uscc.is_valid(self.uscc):
            raise ValidationError({"uscc": "统一社会信用代码不正确"})
