"""Who acts when a ``gonghui`` command runs: ``--user NAME``, else the province admin."""

from django.core.management.base import CommandError

from gonghui.accounts.models import Role, User


def acting_user(username: str | None) -> User:
    """The named staff account, or the province admin when none is named."""
    users = User.objects.select_related("org").filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有名为“{username}”的工作人员账号")
        return user
    user = users.filter(role=Role.PROVINCE_ADMIN, org__code="410000").order_by("id").first()
    if user is None:
        raise CommandError("还没有省级管理员账号：请先运行 gonghui createstaff 或 gonghui demo")
    return user
