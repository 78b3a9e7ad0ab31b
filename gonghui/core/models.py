"""Shared records: one row per file import, so every imported row traces to who and when."""

from typing import ClassVar

from django.conf import settings
from django.db import models

from gonghui.core.scoping import ScopedQuerySet, subtree_index


class ImportRunQuerySet(ScopedQuerySet):
    def waiting(self, *, since) -> "ImportRunQuerySet":
        """Refused runs still waiting for their user to fix: made after ``since`` and not
        followed by a successful import of the same kind by the same user."""
        fixed = ImportRun.objects.filter(
            refused=False,
            user=models.OuterRef("user"),
            kind=models.OuterRef("kind"),
            started_at__gt=models.OuterRef("started_at"),
        )
        return self.filter(refused=True, started_at__gte=since).exclude(models.Exists(fixed))


class ImportRun(models.Model):
    """One import of a file: kept with its counts, or refused with its problems (nothing
    of a refused file is written, so this row is all that tells its user to fix it)."""

    kind = models.CharField("导入类型", max_length=40)
    filename = models.CharField("文件名", max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, verbose_name="操作人")
    org_path = models.CharField(max_length=255)
    rows = models.PositiveIntegerField("行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变", default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    refused = models.BooleanField("未成功", default=False)
    problem_count = models.PositiveIntegerField("问题数", default=0)
    problems = models.TextField("问题（前若干条）", blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        indexes = [subtree_index("core_importrun_org_path")]
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"


class WorkflowStep(models.Model):
    """One state change of a case (claim, wage case): who, when, why, and the case as it was.

    Written only by ``gonghui.audit.workflow.Workflow.move`` in the same transaction as
    the change, so the timeline and the state can never disagree. ``snapshot`` holds
    the case's fields after the step: the timeline shows every version.
    """

    object_type = models.CharField("对象类型", max_length=40)
    object_id = models.BigIntegerField("对象")
    org_path = models.CharField("所属组织路径", max_length=255, db_index=True)
    action = models.CharField("操作", max_length=40)
    action_label = models.CharField("操作名称", max_length=40)
    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="操作人"
    )
    at = models.DateTimeField("时间")
    reason = models.TextField("理由", blank=True)
    snapshot = models.JSONField("当时内容", default=dict)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = "流程记录"
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id} {self.from_state}→{self.to_state}"


class ChangeStamp(models.Model):
    """A random token per kind of data, replaced in the same transaction as every change.

    Processes that keep a copy of such data in memory (the station search index)
    compare the token they built from with the current one: a new token means
    "rebuild", whichever process wrote, and a rolled-back change leaves the old
    token, so nothing uncommitted outlives its transaction in another process.
    """

    key = models.CharField(max_length=40, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.key} {self.token}"


class UploadRecord(models.Model):
    """What ``core.uploads`` stored, kept on the row of whatever the file belongs to (a claim's
    document, an event's or a station's photo); the file itself is encrypted on disk.

    Each concrete model names in ``PURPOSE`` the purpose its files are sealed with, so that
    ``gonghui keys rotate`` (``core.rotation``) can re-encrypt them without knowing the app."""

    PURPOSE: ClassVar[str]

    content_type = models.CharField("类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=200, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]
