"""At most ``LOGIN_LOCKOUT_ATTEMPTS`` password checks per username and client address.

A password is checked only after a slot has been taken by one conditional UPDATE
(``failures < limit``, or the cool-off has passed), so however many requests arrive
at once, no more than the limit reach the hasher: PostgreSQL re-reads the row after
the lock it waited for, SQLite's IMMEDIATE transactions run one writer at a time.
django-axes checks its counter before the password and adds to it afterwards, in the
``user_login_failed`` signal; requests that arrive together all pass its check.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, When
from django.utils import timezone

from gonghui.accounts.models import LoginThrottle


def _cutoff(now: datetime) -> datetime:
    return now - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def take_attempt(*, username: str, address: str) -> bool:
    """Spend one password check for (username, address); False when none is left.

    The slot counts as a failure until ``clear_attempts`` gives it back after a
    right password; the cool-off starts again from the last failure.
    """
    now = timezone.now()
    cutoff = _cutoff(now)
    key = LoginThrottle.objects.filter(username=username, address=address)
    with transaction.atomic():
        taken = key.filter(
            Q(failures__lt=settings.LOGIN_LOCKOUT_ATTEMPTS) | Q(last_failure__lt=cutoff)
        ).update(
            failures=Case(When(last_failure__lt=cutoff, then=1), default=F("failures") + 1),
            last_failure=now,
        )
        if taken or key.exists():
            return bool(taken)
    try:
        with transaction.atomic():
            # Rows whose cool-off is over count nothing: a new name clears them, so names
            # tried once from everywhere do not pile up.
            LoginThrottle.objects.filter(last_failure__lt=cutoff).delete()
            LoginThrottle.objects.create(
                username=username, address=address, failures=1, last_failure=now
            )
        return True
    except IntegrityError:
        # Another request created the row first: take a slot from it like everyone else.
        return take_attempt(username=username, address=address)


def clear_attempts(*, username: str, address: str) -> None:
    """A right password: the failures from this address no longer count."""
    LoginThrottle.objects.filter(username=username, address=address).delete()


def is_locked(*, username: str, address: str) -> bool:
    """No check left for (username, address) until the cool-off has passed."""
    return LoginThrottle.objects.filter(
        username=username,
        address=address,
        failures__gte=settings.LOGIN_LOCKOUT_ATTEMPTS,
        last_failure__gte=_cutoff(timezone.now()),
    ).exists()
