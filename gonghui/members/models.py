"""The worker registry. ID numbers and phones are held only encrypted."""

from django.db import models

from gonghui.core.regions import region_name
from gonghui.core.rollups import RollupRow
from gonghui.core.rotation import Sealed
from gonghui.core.scoping import ScopedQuerySet
from gonghui.members.categories import category_names

# Bound to each ciphertext as associated data: a worker's phone cannot pass for an ID.
ID_PURPOSE = "worker-id"
PHONE_PURPOSE = "worker-phone"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Worker(models.Model):
    name = models.CharField("姓名", max_length=50)
    name_simple = models.CharField("简体姓名", max_length=50, db_index=True)
    name_pinyin = models.CharField("姓名拼音", max_length=200, db_index=True)
    name_initials = models.CharField("拼音首字母", max_length=50, db_index=True)
    id_cipher = models.BinaryField("身份证号（密文）")
    id_index = models.CharField("身份证号索引", max_length=64, unique=True)
    id_masked = models.CharField("身份证号", max_length=18)
    # Only what keeps 10,000 candidate numbers without the field key (core.disclosure):
    # the birth date and county live only inside the ciphertext.
    birth_year = models.PositiveSmallIntegerField("出生年份")
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    phone_cipher = models.BinaryField("手机号码（密文）", null=True, blank=True)
    phone_masked = models.CharField("手机号码", max_length=11, blank=True)
    org = models.ForeignKey(
        "orgs.Org", models.PROTECT, related_name="workers", verbose_name="工会组织"
    )
    org_path = models.CharField("组织路径", max_length=255, db_index=True)
    employer = models.ForeignKey(
        "orgs.Employer",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="workers",
        verbose_name="工作单位",
    )
    categories = models.PositiveIntegerField("职工类别", default=0)
    is_member = models.BooleanField("工会会员", default=False)
    joined_on = models.DateField("入会日期", null=True, blank=True)
    import_run = models.ForeignKey(
        "core.ImportRun", models.PROTECT, null=True, blank=True, verbose_name="导入批次"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # the scope cut filters the denormalised org_path, no join
    objects = ScopedQuerySet.as_manager()

    SEALED = (
        Sealed("id_cipher", ID_PURPOSE, index="id_index"),
        Sealed("phone_cipher", PHONE_PURPOSE),
    )

    class Meta:
        verbose_name = "职工"
        verbose_name_plural = "职工"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    @property
    def birth_city(self) -> str:
        """The city the masked number's first 4 digits already name (no extra disclosure)."""
        return region_name(self.id_masked[:4] + "00", self.birth_year) or ""

    @property
    def category_names(self) -> list[str]:
        return category_names(self.categories)


class Transfer(models.Model):
    """A worker moving from one union to another; both orgs keep the history."""

    worker = models.ForeignKey(Worker, models.PROTECT, related_name="transfers")
    from_org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="转出")
    to_org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", verbose_name="转入")
    at = models.DateTimeField("时间", auto_now_add=True)
    by = models.ForeignKey("accounts.User", models.PROTECT, verbose_name="经办人")

    class Meta:
        verbose_name = "转会记录"
        verbose_name_plural = "转会记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.worker_id}: {self.from_org_id} → {self.to_org_id}"


class OutdoorWorkerCount(RollupRow):
    """Rollup: outdoor-category workers (``OUTDOOR_BITS``) per org × employer, kept by
    ``save_workers`` in the transaction that writes the workers, so that the stations'
    coverage figures read it joined to the employer's workplace instead of grouping the
    registry. Rebuilt from the worker table alone (``members.rollups.ROLLUPS``)."""

    # An org's path names it as well as its id does, so the key leads with the path: one
    # index is then both the upsert's conflict target and the subtree read's (see
    # ``subtree_index`` for the opclass), where a second index would cost every write.
    org_path = models.CharField(max_length=255)
    org = models.ForeignKey("orgs.Org", models.PROTECT, related_name="+", db_index=False)
    # The employer's id, 0 for workers without one, and no foreign key. With a nullable
    # column the no-employer rows would never conflict (NULLs are distinct in a UNIQUE
    # constraint; ``nulls_distinct=False`` needs PostgreSQL 15 and SQLite ignores it), so
    # each write would add a row. 0 is never an id, so one plain key holds on both backends.
    employer_id = models.BigIntegerField("工作单位（0为无）")
    workers = models.IntegerField("户外劳动者人数", default=0)

    class Meta:
        verbose_name = "户外劳动者汇总"
        verbose_name_plural = "户外劳动者汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["org_path", "employer_id"],
                name="outdoor_count_key",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_path} {self.employer_id}: {self.workers}"
