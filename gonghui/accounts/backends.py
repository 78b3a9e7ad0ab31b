"""Password login that checks a password only while the lockout allows it."""

from django.contrib.auth.backends import ModelBackend

from gonghui.accounts.lockout import clear_attempts, take_attempt
from gonghui.core.views import client_ip


class LockoutModelBackend(ModelBackend):
    """Django's model backend behind ``lockout.take_attempt``.

    A locked (username, address) is refused without looking at the password, even
    the right one. An unknown username spends its slots exactly as a real one does
    and ``ModelBackend`` hashes the password all the same, so neither the answer nor
    its timing says whether the account exists.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        address = client_ip(request) or ""
        if not take_attempt(username=username, address=address):
            return None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            clear_attempts(username=username, address=address)
        return user
