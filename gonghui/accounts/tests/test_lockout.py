"""Lockout: at most 5 password checks per username and address, whatever the concurrency."""

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.urls import reverse

from conftest import PASSWORD
from gonghui.accounts.forms import LOCKED_MESSAGE
from gonghui.accounts.models import LoginThrottle

ATTEMPTS = 40


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting every password it is asked to check."""

    checks = 0
    lock = threading.Lock()

    def verify(self, password, encoded):
        with CountingHasher.lock:
            CountingHasher.checks += 1
        return super().verify(password, encoded)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["gonghui.accounts.tests.test_lockout.CountingHasher"]
    CountingHasher.checks = 0
    return CountingHasher


def request_from(address: str):
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)


def connect() -> None:
    """This thread's own connection, waiting while a shared server is at its limit."""
    for _ in range(200):
        try:
            connection.ensure_connection()
            return
        except OperationalError as exc:
            if "too many clients" not in str(exc):
                raise
            connection.close()
            time.sleep(0.05)
    connection.ensure_connection()


@pytest.mark.django_db(transaction=True)
def test_40_simultaneous_wrong_passwords_reach_the_hasher_at_most_5_times(
    file_database, counting_hasher, yicheng_officer
):
    start = threading.Barrier(ATTEMPTS)
    results, failures = [], []

    def attempt(n: int) -> None:
        try:
            start.wait()
            connect()
            results.append(
                authenticate(request_from("10.0.0.1"), username="yicheng", password=f"x{n}")
            )
        except Exception as exc:  # reported below, with the thread's number
            failures.append((n, repr(exc)))
        finally:
            connection.close()

    connection.close()
    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert results == [None] * ATTEMPTS
    assert counting_hasher.checks == 5
    counting_hasher.checks = 0
    assert authenticate(request_from("10.0.0.1"), username="yicheng", password=PASSWORD) is None
    assert counting_hasher.checks == 0


@pytest.mark.django_db
def test_a_locked_name_is_not_locked_for_another_address(counting_hasher, yicheng_officer):
    for n in range(6):
        authenticate(request_from("10.0.0.1"), username="yicheng", password=f"x{n}")
    assert counting_hasher.checks == 5
    assert authenticate(request_from("10.0.0.1"), username="yicheng", password=PASSWORD) is None
    user = authenticate(request_from("10.0.0.2"), username="yicheng", password=PASSWORD)
    assert user == yicheng_officer


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off(settings, counting_hasher, yicheng_officer):
    for n in range(5):
        authenticate(request_from("10.0.0.1"), username="yicheng", password=f"x{n}")
    assert authenticate(request_from("10.0.0.1"), username="yicheng", password=PASSWORD) is None
    LoginThrottle.objects.update(
        last_failure=LoginThrottle.objects.get().last_failure
        - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES - 1)
    )
    assert authenticate(request_from("10.0.0.1"), username="yicheng", password=PASSWORD) is None
    LoginThrottle.objects.update(
        last_failure=LoginThrottle.objects.get().last_failure - timedelta(minutes=2)
    )
    user = authenticate(request_from("10.0.0.1"), username="yicheng", password=PASSWORD)
    assert user == yicheng_officer
    assert not LoginThrottle.objects.exists()


def login_page(client, username: str, password: str) -> str:
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 200
    return response.content.decode()


def error_of(html: str) -> str:
    return html.split('role="alert">', 1)[1].split("</div>", 1)[0]


@pytest.mark.django_db
def test_unknown_and_locked_names_get_the_same_answers(client, yicheng_officer):
    """Every answer an unknown name gets, a real one gets too, in the same order."""
    real = [error_of(login_page(client, "yicheng", "wrong")) for _ in range(6)]
    unknown = [error_of(login_page(client, "nobody", "wrong")) for _ in range(6)]
    assert real == unknown
    assert real[0] == "用户名或密码不正确" and real[5] == LOCKED_MESSAGE
    assert error_of(login_page(client, "yicheng", PASSWORD)) == LOCKED_MESSAGE
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_rows_past_their_cool_off_are_cleared_by_the_next_new_name(settings, yicheng_officer):
    for n in range(3):
        authenticate(request_from(f"10.0.1.{n}"), username=f"guess{n}", password="x")
    LoginThrottle.objects.update(
        last_failure=LoginThrottle.objects.first().last_failure
        - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    )
    authenticate(request_from("10.0.0.1"), username="yicheng", password="wrong")
    assert list(LoginThrottle.objects.values_list("username", "failures")) == [("yicheng", 1)]


def login_through(client, proxy: str, forwarded: str, password: str) -> str:
    """The login page's answer to a client behind ``proxy`` that says it is ``forwarded``."""
    response = client.post(
        reverse("accounts:login"),
        {"username": "yicheng", "password": password},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    return "" if response.status_code == 302 else error_of(response.content.decode())


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_address_locks_on_its_own(
    client, settings, yicheng_officer
):
    settings.TRUSTED_PROXIES = ["10.9.0.0/16"]
    for n in range(5):
        login_through(client, "10.9.0.1", "223.88.1.7", f"x{n}")
    assert login_through(client, "10.9.0.2", "223.88.1.7", PASSWORD) == LOCKED_MESSAGE
    assert list(LoginThrottle.objects.values_list("address", flat=True)) == ["223.88.1.7"]
    # Forging a first hop changes nothing: the proxy's own entry is the right-most one.
    assert login_through(client, "10.9.0.1", "1.2.3.4, 223.88.1.7", PASSWORD) == LOCKED_MESSAGE
    assert login_through(client, "10.9.0.1", "223.88.1.8", PASSWORD) == ""


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_forwarded_header_cannot_dodge_the_lock(client, yicheng_officer):
    for n in range(5):
        login_through(client, "10.9.0.1", f"223.88.1.{n}", f"x{n}")
    assert login_through(client, "10.9.0.1", "223.88.1.99", PASSWORD) == LOCKED_MESSAGE
    assert list(LoginThrottle.objects.values_list("address", flat=True)) == ["10.9.0.1"]
