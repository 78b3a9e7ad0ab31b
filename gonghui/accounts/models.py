"""Staff accounts: each belongs to one org and sees exactly its subtree."""

import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property

from gonghui.core.crypto import blind_index


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", "省级管理员"
    OFFICER = "officer", "经办人"
    REVIEWER = "reviewer", "审核人"
    AUDITOR = "auditor", "审计（只读）"
    POINT_STAFF = "point_staff", "服务点核销员"


API_TOKEN_PURPOSE = "api-token"

# The role decides the verbs; the org path decides the rows.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.PROVINCE_ADMIN: frozenset(
        {
            "browse",
            "write_workers",
            "unmask",
            "view_audit",
            "import",
            "manage_programs",
            "record_services",
        }
    ),
    Role.OFFICER: frozenset(
        {"browse", "write_workers", "unmask", "import", "manage_programs", "record_services"}
    ),
    Role.REVIEWER: frozenset({"browse", "unmask"}),
    Role.AUDITOR: frozenset({"browse", "view_audit"}),
    # No "browse": a service point's clerk checks workers in at their own points and
    # reads nothing else, so their scope is empty everywhere.
    Role.POINT_STAFF: frozenset({"checkin"}),
}


class User(AbstractUser):
    org = models.ForeignKey(
        "orgs.Org",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name="所属组织",
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.OFFICER)
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"

    @cached_property
    def scope_path(self) -> str | None:
        """The org-path prefix of everything this user may see; None sees nothing."""
        if not self.org_id or not self.can("browse"):
            return None
        return self.org.path

    def can(self, permission: str) -> bool:
        return self.is_active and permission in ROLE_PERMISSIONS.get(self.role, frozenset())


class ApiToken(models.Model):
    """A bearer token for /api/; only its keyed hash is stored."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    @staticmethod
    def hash_key(key: str) -> str:
        return blind_index(key, purpose=API_TOKEN_PURPOSE)

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(32)
