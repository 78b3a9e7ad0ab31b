"""What a console session must satisfy on every request: its time limits, then its second
factor. ``/api/`` authenticates by bearer token, never by the session, so its calls pass
through without the session being read (a query the busiest calls need not make)."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

API_PREFIX = "/api/"
LOGIN_AT = "gonghui_login_at"
SEEN_AT = "gonghui_seen_at"
# The last-seen stamp is rewritten at most once a minute, so a page view does not
# save the session each time; the idle limit holds to that minute.
SEEN_RESOLUTION = 60


def stamp_login(sender: type, request: HttpRequest, user: object, **kwargs: object) -> None:
    """Start both clocks of a new login: receives ``user_logged_in``, which a password
    login and a test's ``force_login`` both send."""
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now


class SessionLimitsMiddleware:
    """Logs out a session idle for ``SESSION_IDLE_MINUTES`` or older than
    ``SESSION_MAX_HOURS``; the page then asks for the login as for anyone else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if not request.path.startswith(API_PREFIX) and SESSION_KEY in session:
            now = int(time.time())
            login_at = session.get(LOGIN_AT, 0)
            seen_at = session.get(SEEN_AT, 0)
            if (
                now - seen_at > settings.SESSION_IDLE_MINUTES * 60
                or now - login_at > settings.SESSION_MAX_HOURS * 3600
            ):
                logout(request)
            elif now - seen_at >= SEEN_RESOLUTION:
                session[SEEN_AT] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Sends an account whose role needs a second factor to enrol or verify one before
    any other page. Verified means ``django_otp.login`` marked the session; a reset of
    the account's second factor ends such sessions (``User.get_session_auth_hash``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.open_paths: tuple[str, ...] = ()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if (
            not request.path.startswith(API_PREFIX)
            and SESSION_KEY in session
            and DEVICE_ID_SESSION_KEY not in session
        ):
            if not self.open_paths:
                self.open_paths = (
                    reverse("accounts:login"),
                    reverse("accounts:logout"),
                    reverse("accounts:second_factor"),
                    reverse("accounts:enrol_second_factor"),
                    "/" + settings.STATIC_URL.lstrip("/"),
                )
            user = request.user
            if (
                user.is_authenticated
                and user.needs_second_factor
                and not request.path.startswith(self.open_paths)
            ):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:second_factor')}?{query}")
        return self.get_response(request)
