"""Password login with lockout after repeated failures."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from gonghui.accounts.models import User


class LockoutModelBackend(ModelBackend):
    """Refuses a locked account even with the right password; counts failures per account.

    After ``LOGIN_LOCKOUT_ATTEMPTS`` consecutive failures the account is locked
    for ``LOGIN_LOCKOUT_MINUTES``; a success resets the count.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        now = timezone.now()
        if user.locked_until and user.locked_until > now:
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_logins or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
            return user
        failures = user.failed_logins + 1
        locked = None
        if failures >= settings.LOGIN_LOCKOUT_ATTEMPTS:
            locked = now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            failures = 0
        User.objects.filter(pk=user.pk).update(failed_logins=failures, locked_until=locked)
        return None


def is_locked(username: str) -> bool:
    return User.objects.filter(username=username, locked_until__gt=timezone.now()).exists()
