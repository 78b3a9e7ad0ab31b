"""Append-only audit log of every write and every unmasked read."""

from django.db import models

from gonghui.core.scoping import ScopedQuerySet, subtree_index


class AuditLogIsAppendOnly(Exception):
    pass


class AuditQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("审计记录不可修改")

    def delete(self):
        raise AuditLogIsAppendOnly("审计记录不可删除")


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "accounts.User", models.PROTECT, null=True, blank=True, verbose_name="操作人"
    )
    actor_name = models.CharField("操作人账号", max_length=150, blank=True)
    action = models.CharField("操作", max_length=40)
    object_type = models.CharField("对象类型", max_length=40)
    object_id = models.CharField("对象", max_length=64)
    org_path = models.CharField("所属组织路径", max_length=255)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    client_ip = models.GenericIPAddressField("客户端地址", null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [subtree_index("audit_event_subtree")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditLogIsAppendOnly("审计记录不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("审计记录不可删除")
