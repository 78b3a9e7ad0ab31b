"""Shared records: one row per file import, so every imported row traces to who and when."""

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    kind = models.CharField("导入类型", max_length=40)
    filename = models.CharField("文件名", max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, verbose_name="操作人")
    org_path = models.CharField(max_length=255)
    rows = models.PositiveIntegerField("行数", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变", default=0)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"
