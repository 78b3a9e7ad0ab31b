"""Console sessions end after 30 idle minutes and 12 hours after the login (settings)."""

import time

import pytest
from django.urls import reverse

from gonghui.accounts.middleware import LOGIN_AT, SEEN_AT

pytestmark = pytest.mark.django_db


def move_clocks(client, *, login_ago: int, seen_ago: int) -> None:
    """Pretend the login and the last request happened that many seconds ago."""
    now = int(time.time())
    session = client.session
    session[LOGIN_AT] = now - login_ago
    session[SEEN_AT] = now - seen_ago
    session.save()


def is_logged_in(client) -> bool:
    return client.get(reverse("members:worker_list")).status_code == 200


def test_29_idle_minutes_keep_the_session_and_restart_its_idle_clock(client, yicheng_officer):
    client.force_login(yicheng_officer)
    move_clocks(client, login_ago=29 * 60, seen_ago=29 * 60)
    assert is_logged_in(client)
    assert int(time.time()) - client.session[SEEN_AT] < 5
    assert client.session[LOGIN_AT] < int(time.time()) - 28 * 60


def test_31_idle_minutes_end_the_session(client, yicheng_officer):
    client.force_login(yicheng_officer)
    move_clocks(client, login_ago=31 * 60, seen_ago=31 * 60)
    response = client.get(reverse("members:worker_list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert "_auth_user_id" not in client.session


def test_a_busy_session_still_ends_12_hours_after_its_login(client, yicheng_officer):
    client.force_login(yicheng_officer)
    move_clocks(client, login_ago=11 * 3600 + 3540, seen_ago=60)
    assert is_logged_in(client)
    move_clocks(client, login_ago=12 * 3600 + 1, seen_ago=60)
    assert not is_logged_in(client)


def test_the_limits_are_settings(settings, client, yicheng_officer):
    settings.SESSION_IDLE_MINUTES = 5
    settings.SESSION_MAX_HOURS = 1
    client.force_login(yicheng_officer)
    move_clocks(client, login_ago=6 * 60, seen_ago=6 * 60)
    assert not is_logged_in(client)
    client.force_login(yicheng_officer)
    move_clocks(client, login_ago=3601, seen_ago=0)
    assert not is_logged_in(client)


def test_a_login_starts_both_clocks(client, yicheng_officer):
    client.force_login(yicheng_officer)
    now = int(time.time())
    assert now - client.session[LOGIN_AT] < 5 and now - client.session[SEEN_AT] < 5
