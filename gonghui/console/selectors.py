"""The console's own reads: the import runs a user may see (the home page's "导入未成功"
and the 导入记录 page count the same rows)."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.models import ImportRun

# A refused import stops waiting after this long even if nobody imported the kind again.
WAITING_DAYS = 7


def imports_visible_to(user: User, *, waiting: bool = False) -> QuerySet[ImportRun]:
    """Import runs of the user's subtree, newest first; ``waiting``: only the user's own
    refused runs not since fixed by a successful import of the same kind, for
    ``WAITING_DAYS`` days: what waits for the user to fix."""
    if not user.can("browse"):
        return ImportRun.objects.none()
    runs = ImportRun.objects.visible_to(user)
    if waiting:
        since = timezone.now() - datetime.timedelta(days=WAITING_DAYS)
        runs = runs.filter(user=user).waiting(since=since)
    return runs.select_related("user").order_by("-started_at", "-pk")
