"""Shared pieces of the ``gonghui`` commands: who acts, and progress bars."""

from contextlib import contextmanager

from django.core.management.base import CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


def acting_user(username: str | None):
    """The named staff account, or the province admin when none is named."""
    from gonghui.accounts.models import Role, User

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


@contextmanager
def progress_bar(description: str, total: int | None = None):
    """Yields ``update(done, total=None)``; a rich bar on stderr."""
    columns = [TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task(description, total=total)

        def update(done: int, total: int | None = None) -> None:
            bar.update(
                task, completed=done, total=total if total is not None else bar.tasks[0].total
            )

        yield update
