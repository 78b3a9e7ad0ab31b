"""Append-only audit log of every write and every unmasked read."""

from django.db import models
from django.utils import timezone

from gonghui.core.scoping import ScopedQuerySet, subtree_index


class AuditLogIsAppendOnly(Exception):
    pass


class AuditQuerySet(ScopedQuerySet):
    """Refuses every bulk write: events are appended only by ``audit.chain`` (through the
    base manager, which seals each into the hash chain) and removed only by its purge."""

    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("审计记录不可修改")

    def delete(self):
        raise AuditLogIsAppendOnly("审计记录不可删除")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogIsAppendOnly("审计记录不可修改")

    def bulk_create(self, objs, *args, **kwargs):
        raise AuditLogIsAppendOnly("审计记录只能经审计链追加")

    def create(self, **kwargs):
        raise AuditLogIsAppendOnly("审计记录只能经审计链追加")


class AuditEvent(models.Model):
    # Set when the event is made (not at INSERT): its hash covers it.
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
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
    # The hash chain (``audit.chain``): the previous event's ``hash``, and HMAC-SHA256 of
    # that and this event's content.
    prev_hash = models.CharField("前一记录哈希", max_length=64, default="", editable=False)
    hash = models.CharField("哈希", max_length=64, default="", editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-at", "-id"]
        indexes = [subtree_index("audit_event_subtree")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("审计记录只能经审计链追加")

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("审计记录不可删除")


class AuditChain(models.Model):
    """The chain's head: one row (pk 1) holding the last event's hash. Every append locks it
    (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's IMMEDIATE transactions already run one
    writer at a time), so two writers can never both extend the same event."""

    last_hash = models.CharField("最新哈希", max_length=64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return self.last_hash


class AuditCheckpoint(models.Model):
    """What a purge leaves of the events it removed: the last one's id and hash, from which
    the rest of the chain is verified; ``mac`` keeps anyone without the key from forging one."""

    at = models.DateTimeField("清理时间", default=timezone.now)
    purged_before = models.DateField("清理此日期之前")
    last_id = models.BigIntegerField("最后清理的记录")
    last_hash = models.CharField("其哈希", max_length=64)
    rows = models.BigIntegerField("清理条数")
    actor_name = models.CharField("操作人账号", max_length=150)
    mac = models.CharField("校验码", max_length=64)

    class Meta:
        verbose_name = "审计清理检查点"
        verbose_name_plural = "审计清理检查点"

    def __str__(self) -> str:
        return f"{self.purged_before}之前 {self.rows}条 至记录{self.last_id}"


class AuditSeal(models.Model):
    """An event's hash vouched for under a later field key (``audit.chain.reseal``): the
    event's own ``hash`` was made under a key that a rotation then removed. ``mac`` covers
    the event's link, hash and content, so a seal moved to another event, or an event
    edited after it was sealed, does not verify."""

    event_id = models.BigIntegerField("记录", primary_key=True)
    mac = models.CharField("校验码", max_length=64)

    class Meta:
        verbose_name = "审计记录重签"
        verbose_name_plural = "审计记录重签"

    def __str__(self) -> str:
        return f"{self.event_id} {self.mac}"
