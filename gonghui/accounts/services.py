"""Staff accounts, their second factor and API tokens."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts.models import (
    TOKEN_NAME_MAX,
    ApiToken,
    RecoveryCode,
    RecoveryCodes,
    Role,
    User,
)
from gonghui.audit.services import record_event
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.orgs.models import Org

RECOVERY_CODES = 10


def require_account_manager(by: User, org_path: str) -> None:
    """Accounts are made and reset by a system admin over ``org_path`` (三员分立): not by
    the province admin, who reveals personal information, nor by the auditor."""
    # The system admin's subtree is its org's path: it has no "browse", so no scope_path.
    if not by.can("manage_accounts") or by.org is None or not org_path.startswith(by.org.path):
        raise PermissionDenied("forbidden", "只有系统管理员可以管理本组织及下级的账号")


def _audit(
    *,
    by: User | None,
    account: User,
    action: str,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    """One audit row about ``account``, filed under its org (as it is after the change)."""
    record_event(
        actor=by,
        action=action,
        object_type="user",
        object_id=account.pk,
        org_path=account.org.path if account.org else "",
        before=before,
        after=after,
    )


def _require_role(role: str) -> None:
    if role not in Role.values:
        raise DomainError("bad_role", f"未知角色“{role}”", field="role")


def _require_grantable(by: User, *, role: str, org: Org) -> None:
    """The role a system admin may give in ``org``: any but its own at its own level or
    above, so no two admins manage each other and each other's accounts."""
    _require_role(role)
    if role == Role.SYSTEM_ADMIN and by.org is not None and org.path == by.org.path:
        raise PermissionDenied("peer_admin", "系统管理员只能为下级组织设立系统管理员", field="role")


def _require_other_account(by: User, user: User) -> User:
    """A system admin over ``user``'s org that is not ``user``: nobody widens, moves,
    reactivates or deactivates their own account."""
    require_account_manager(by, user.org.path if user.org else "")
    if user.pk == by.pk:
        raise PermissionDenied("own_account", "不能修改自己的账号，请由其他系统管理员办理")
    return user


def _set_password(user: User, password: str, *, field: str) -> None:
    """Set ``password`` if it passes ``AUTH_PASSWORD_VALIDATORS``, else ``DomainError``."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("weak_password", "；".join(exc.messages), field=field) from exc
    user.set_password(password)


@transaction.atomic
def create_staff(
    *, by: User | None, username: str, password: str | None, org: Org, role: str
) -> User:
    """A staff account in ``org``; ``by`` (None only for bootstrapping) must hold that subtree.

    The password must satisfy ``AUTH_PASSWORD_VALIDATORS``; None makes an account
    nobody logs in to with a password (one a command acts as).
    """
    _require_role(role)
    if by is not None:
        require_account_manager(by, org.path)
        _require_grantable(by, role=role, org=org)
    user = User(username=username, org=org, role=role)
    if password is None:
        user.set_unusable_password()
    else:
        _set_password(user, password, field="password")
    user.full_clean()
    user.save()
    _audit(
        by=by,
        account=user,
        action="create",
        after={"username": username, "role": role, "org": org.code},
    )
    return user


@transaction.atomic
def change_staff(*, by: User, user: User, role: str, org: Org) -> User:
    """Give another account of the system admin's subtree a new role and org (both inside
    that subtree, the role one ``by`` may give). Its sessions go on: the role is read on
    every request."""
    _require_other_account(by, user)
    require_account_manager(by, org.path)
    _require_grantable(by, role=role, org=org)
    before = {"role": user.role, "org": user.org.code if user.org else None}
    user.role = role
    user.org = org
    user.save(update_fields=["role", "org"])
    _audit(
        by=by,
        account=user,
        action="change_staff",
        before=before,
        after={"role": role, "org": org.code},
    )
    return user


@transaction.atomic
def set_staff_active(*, by: User, user: User, active: bool) -> User:
    """Deactivate or reactivate another account of the system admin's subtree. A
    deactivated account can neither log in nor use its API tokens, and its open sessions
    end (Django's backend no longer loads an inactive user)."""
    _require_other_account(by, user)
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        _audit(
            by=by,
            account=user,
            action="reactivate_staff" if active else "deactivate_staff",
            before={"is_active": not active},
            after={"is_active": active},
        )
    return user


@transaction.atomic
def change_password(*, user: User, old_password: str, new_password: str) -> User:
    """The account's own password change: the old one must be right, the new one must pass
    the policy. The caller keeps the current session (``update_session_auth_hash``)."""
    if not user.check_password(old_password):
        raise DomainError("bad_password", "原密码不正确", field="old_password")
    _set_password(user, new_password, field="new_password")
    user.save(update_fields=["password"])
    _audit(
        by=user,
        account=user,
        action="change_password",
    )
    return user


@transaction.atomic
def issue_api_token(*, user: User, name: str) -> str:
    """A new bearer token of the account itself, ``name`` saying what it is for; the clear
    key is returned once and only its keyed hash is stored."""
    name = name.strip()
    if not name or len(name) > TOKEN_NAME_MAX:
        raise DomainError("bad_name", "请填写令牌用途（100字以内）", field="name")
    if not user.is_active:
        raise PermissionDenied("inactive", f"账号 {user.username} 已停用")
    key = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash_key(key))
    _audit(
        by=user,
        account=user,
        action="issue_token",
        after={"token": token.pk, "name": name},
    )
    return key


@transaction.atomic
def revoke_api_token(*, by: User, token: ApiToken) -> None:
    """Delete ``token``: the API refuses it from the next call. Its own account revokes
    it, or a system admin over that account's org."""
    owner = token.user
    if owner.pk != by.pk:
        require_account_manager(by, owner.org.path if owner.org else "")
    _audit(
        by=by,
        account=owner,
        action="revoke_token",
        before={"token": token.pk, "name": token.name},
    )
    token.delete()


@transaction.atomic
def start_second_factor(*, user: User) -> TOTPDevice:
    """The account's TOTP device waiting to be confirmed (its key is shown as a QR code);
    the same one on every call until a code from it confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)


@transaction.atomic
def confirm_second_factor(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm ``device`` with a code it generated and issue 10 recovery codes.

    Returns the clear codes, to be shown once; only their keyed hashes are stored. Any
    earlier device and codes of the account are replaced. Raises ``DomainError`` for a
    wrong code.
    """
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        raise DomainError("bad_token", "动态验证码不正确", field="token")
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    RecoveryCodes.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = RecoveryCodes.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [RecoveryCode.new_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=recovery, code_hash=RecoveryCode.hash_code(code)) for code in codes
    )
    _audit(
        by=user,
        account=user,
        action="enrol_second_factor",
        after={"recovery_codes": RECOVERY_CODES},
    )
    return codes


@transaction.atomic
def reset_second_factor(*, by: User, user: User) -> None:
    """Remove the account's devices and recovery codes (a lost phone) and end its
    sessions; its next login enrols anew. Only a system admin over the account's org."""
    require_account_manager(by, user.org.path if user.org else "")
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodes.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(second_factor_epoch=F("second_factor_epoch") + 1)
    _audit(
        by=by,
        account=user,
        action="reset_second_factor",
    )
