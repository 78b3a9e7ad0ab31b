"""Creating staff accounts and API tokens."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from gonghui.accounts.models import ApiToken, Role, User
from gonghui.audit.services import record_event
from gonghui.core.errors import DomainError
from gonghui.core.scoping import require_role_in_scope
from gonghui.orgs.models import Org


@transaction.atomic
def create_staff(
    *, by: User | None, username: str, password: str | None, org: Org, role: str
) -> User:
    """A staff account in ``org``; ``by`` (None only for bootstrapping) must hold that subtree.

    The password must satisfy ``AUTH_PASSWORD_VALIDATORS``; None makes an account
    nobody logs in to with a password (one a command acts as).
    """
    if role not in Role.values:
        raise DomainError("bad_role", f"未知角色“{role}”")
    if by is not None:
        require_role_in_scope(by, {Role.PROVINCE_ADMIN}, org.path, "无权在该组织下创建账号")
    user = User(username=username, org=org, role=role)
    if password is None:
        user.set_unusable_password()
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise DomainError("weak_password", "；".join(exc.messages)) from exc
        user.set_password(password)
    user.full_clean()
    user.save()
    record_event(
        actor=by,
        action="create",
        object_type="user",
        object_id=user.pk,
        org_path=org.path,
        after={"username": username, "role": role, "org": org.code},
    )
    return user


@transaction.atomic
def issue_api_token(*, user: User, name: str) -> str:
    """A new bearer token; the clear key is returned once and never stored."""
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, name=name, key_hash=ApiToken.hash_key(key))
    record_event(
        actor=user,
        action="issue_token",
        object_type="user",
        object_id=user.pk,
        org_path=user.scope_path or "",
        after={"name": name},
    )
    return key
