"""Staff accounts: each belongs to one org and sees exactly its subtree."""

import base64
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import cached_property
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from gonghui.core.crypto import blind_index, blind_index_candidates


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", "省级管理员"
    OFFICER = "officer", "经办人"
    REVIEWER = "reviewer", "审核人"
    AUDITOR = "auditor", "审计（只读）"
    POINT_STAFF = "point_staff", "服务点核销员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


API_TOKEN_PURPOSE = "api-token"
TOKEN_NAME_MAX = 100
RECOVERY_CODE_PURPOSE = "recovery-code"

# The role decides the verbs; the org path decides the rows. 三员分立: the system admin
# manages accounts and reads no registry (no "browse", no "unmask"); the auditor reads the
# audit log and writes nothing; the province admin works on the data and makes no accounts.
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
    Role.SYSTEM_ADMIN: frozenset({"manage_accounts"}),
}

# A role with any of these must pass a second factor (TOTP) after the password: it can
# reveal personal information, make accounts that can, or (every role that moves money
# also unmasks: officer, reviewer, province admin) move money.
SECOND_FACTOR_PERMISSIONS = frozenset({"unmask", "manage_accounts"})


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
    # Raised when the account's second factor is reset: it is part of the session hash,
    # so every session verified with the old device ends, as a password change ends them.
    second_factor_epoch = models.PositiveIntegerField(default=0)

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

    @property
    def needs_second_factor(self) -> bool:
        """The role must pass TOTP (or a recovery code) after the password."""
        return bool(ROLE_PERMISSIONS.get(self.role, frozenset()) & SECOND_FACTOR_PERMISSIONS)

    def get_session_auth_hash(self) -> str:
        return f"{super().get_session_auth_hash()}:{self.second_factor_epoch}"


class ApiToken(models.Model):
    """A bearer token for /api/; only its keyed hash is stored."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=TOKEN_NAME_MAX)
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


class RecoveryCodes(TimestampMixin, ThrottlingMixin, Device):
    """An account's recovery codes as a django-otp device: each code is stored only as its
    keyed hash (``blind_index``), so a copy of the database lets nobody past the second
    factor, and is deleted by the login it lets in."""

    class Meta:
        verbose_name = "恢复码"
        verbose_name_plural = "恢复码"

    def get_throttle_factor(self) -> int:
        """Seconds of the first wait after a wrong code, doubling with each (django-otp's)."""
        return 1

    def verify_token(self, token: str) -> bool:
        """Use up ``token`` if it is one of the codes (its hash under any key of the ring,
        so codes issued before ``gonghui keys rotate`` still work); throttled as
        django-otp's static codes are."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        hashes = blind_index_candidates(
            RecoveryCode.normalise(token), purpose=RECOVERY_CODE_PURPOSE
        )
        match = self.codes.filter(code_hash__in=hashes).first()
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class RecoveryCode(models.Model):
    """One unused recovery code of a ``RecoveryCodes`` device: its keyed hash only."""

    device = models.ForeignKey(RecoveryCodes, models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = "恢复码"
        verbose_name_plural = "恢复码"

    def __str__(self) -> str:
        return f"{self.device.user} · 恢复码"

    @staticmethod
    def normalise(code: str) -> str:
        """A code as typed (spaces, capitals) in the form it was hashed in."""
        return "".join(code.split()).lower()

    @staticmethod
    def hash_code(code: str) -> str:
        return blind_index(RecoveryCode.normalise(code), purpose=RECOVERY_CODE_PURPOSE)

    @staticmethod
    def new_code() -> str:
        """Eight characters of base32 (40 random bits), as django-otp's static codes."""
        return base64.b32encode(secrets.token_bytes(5)).decode().lower()


class LoginThrottle(models.Model):
    """Password checks spent on one username from one client address.

    Keyed on the username as typed, whether or not such an account exists, so an
    unknown name locks exactly as a real one does (no enumeration), and on the
    address, so one address cannot lock an account for everyone else.
    """

    username = models.CharField(max_length=150)
    address = models.CharField(max_length=45)
    failures = models.PositiveSmallIntegerField(default=0)
    last_failure = models.DateTimeField()

    class Meta:
        verbose_name = "登录尝试"
        verbose_name_plural = "登录尝试"
        constraints = [
            models.UniqueConstraint(fields=["username", "address"], name="login_throttle_key")
        ]
        indexes = [models.Index(fields=["last_failure"], name="login_throttle_expiry")]

    def __str__(self) -> str:
        return f"{self.username} @ {self.address or '命令行'}"
