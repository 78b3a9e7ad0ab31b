"""Console login: Chinese form, redirect to the registry (lockout: ``test_lockout``)."""

import pytest
from django.urls import reverse

from conftest import PASSWORD, recovery_code

pytestmark = pytest.mark.django_db


def attempt(client, password, username="yicheng"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_page_is_in_chinese(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "工作人员登录" in html and "用户名" in html and "密码" in html


def test_pages_stay_chinese_when_the_browser_asks_for_english(client):
    """The UI is written in Chinese; Django's own messages must not switch language
    under it because a phone is set to English."""
    response = client.post(
        reverse("accounts:login"),
        {"username": "", "password": ""},
        headers={"Accept-Language": "en-US,en;q=0.9"},
    )
    html = response.content.decode()
    assert "这个字段是必填项" in html and "This field is required" not in html


def test_right_password_and_code_log_in_and_land_on_the_home_page(client, yicheng_officer):
    code = recovery_code(yicheng_officer)
    response = attempt(client, PASSWORD)
    assert response.status_code == 302
    asked = client.get(response["Location"])
    assert asked["Location"].startswith(reverse("accounts:second_factor"))
    landing = client.post(asked["Location"], {"token": code, "next": response["Location"]})
    page = client.get(landing["Location"]).content.decode()
    assert 'id="todos"' in page and "驿城区总工会" in page
    page = client.get(reverse("members:worker_list")).content.decode()
    assert "yicheng" in page and "驿城区总工会" in page and "退出" in page


def test_login_honours_next(client, yicheng_officer):
    response = client.post(
        reverse("accounts:login"),
        {"username": "yicheng", "password": PASSWORD, "next": reverse("tree:root")},
    )
    assert response["Location"] == reverse("tree:root")


def test_wrong_password_says_so_without_saying_which_part(client, yicheng_officer):
    html = attempt(client, "wrong").content.decode()
    assert "用户名或密码不正确" in html
    assert "用户名或密码不正确" in attempt(client, "x", username="nobody").content.decode()


def test_a_success_before_the_fifth_failure_resets_the_count(client, yicheng_officer):
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "wrong")
    assert attempt(client, PASSWORD).status_code == 302


def test_logout_is_a_post_and_ends_the_session(client, yicheng_officer):
    client.force_login(yicheng_officer)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("members:worker_list")).status_code == 302


def test_point_clerk_lands_on_check_in_and_sees_no_registry(client, staff, make_worker):
    make_worker("张东青", org="411702")
    clerk = staff("clerk", "411702", "point_staff")
    client.force_login(clerk)
    assert client.get(reverse("home"))["Location"] == reverse("programs:checkin")
    assert client.get(reverse("members:worker_list")).status_code == 404
    assert "职工名册" not in client.get(reverse("programs:checkin")).content.decode()
    assert client.get(reverse("tree:org", args=["411702"])).status_code == 404
