"""Reads of staff accounts, scoped like everything else."""

from django.db.models import QuerySet

from gonghui.accounts.models import User


def staff_visible_to(user, *, usernames: list[str] | None = None) -> QuerySet[User]:
    """Active staff accounts of the user's subtree (optionally only these usernames)."""
    path = getattr(user, "scope_path", None)
    if not path:
        return User.objects.none()
    staff = User.objects.filter(is_active=True, org__path__startswith=path).select_related("org")
    return staff.filter(username__in=usernames) if usernames is not None else staff
