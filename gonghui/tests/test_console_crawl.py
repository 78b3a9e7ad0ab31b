"""Every link the console shows, followed as each role would: none answers 4xx or 5xx.

The crawl starts at the home page with 驻马店's objects in the database and follows each
same-site link a page shows (breadth first, bounded), so a page that links somewhere its
reader may not go, or a link whose page fails, is found where a user would meet it."""

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.test import override_settings

from gonghui.accounts.models import Role
from gonghui.accounts.services import create_staff
from gonghui.orgs.models import Org
from gonghui.tests.scope_world import build_world

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"#][^"]*)"')
MAX_PAGES = 400
# Not pages to browse: signing out ends the crawl, a worker's phone links sign the reader in
# as that worker, a campaign's tracking link counts a reading, the admin is Django's.
NOT_FOLLOWED = ("/accounts/logout/", "/static/", "/django-admin/", "/culture/r/")
PHONE_PAGES = re.compile(r"^/[a-z]+/m/")
ROLES = {
    "province admin": "admin",
    "city officer": "zhumadian",
    "county officer": "yicheng",
    "city reviewer": "reviewer",
    "city auditor": "auditor",
    "system admin": "sysadmin",
    "sibling officer": "luoyang",
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            UPLOAD_DIR=tmp_path_factory.mktemp("uploads"),
            STATION_INDEX_RECHECK=0,
        ),
        transaction.atomic(),
    ):
        built = build_world()
        city = Org.objects.get(code="411700")
        for name, role in (("reviewer", Role.REVIEWER), ("auditor", Role.AUDITOR)):
            setattr(
                built,
                name,
                create_staff(
                    by=None, username=f"crawl_{name}", password="Crawl-2026!x", org=city, role=role
                ),
            )
        yield built
        transaction.set_rollback(True)


def _followed(url: str) -> bool:
    path = urlsplit(url).path
    return (
        url.startswith("/")
        and not url.startswith("//")
        and not (path.startswith(NOT_FOLLOWED) or PHONE_PAGES.match(path))
    )


def _close(answer) -> None:
    """Close a download's file as a WSGI server would, without the request_finished signal
    closing the database connection the module's world lives in (as Django's test client
    itself does)."""
    request_finished.disconnect(close_old_connections)
    try:
        answer.close()
    finally:
        request_finished.connect(close_old_connections)


def crawl(client, start: str = "/") -> tuple[dict[str, int], int]:
    """Each URL reached → its status; and how many were left unvisited past MAX_PAGES."""
    seen, queue, answers = {start}, deque([start]), {}
    while queue and len(answers) < MAX_PAGES:
        url = queue.popleft()
        answer = client.get(url)
        _close(answer)
        answers[url] = answer.status_code
        found = []
        if answer.status_code in (301, 302):
            found = [answer["Location"]]
        elif "text/html" in answer.get("Content-Type", ""):
            found = HREF.findall(answer.content.decode())
        for link in found:
            link = urldefrag(link.replace("&amp;", "&"))[0]
            if link and _followed(link) and link not in seen:
                seen.add(link)
                queue.append(link)
    return answers, len(queue)


@pytest.mark.parametrize("role", ROLES)
def test_no_console_link_fails_for(client, world, role):
    client.force_login(getattr(world, ROLES[role]))
    answers, left = crawl(client)
    failed = {url: status for url, status in answers.items() if status >= 400}
    assert not failed, f"{role}: {failed}"
    assert len(answers) > 5, answers  # the crawl went past the home page
    print(f"{role}: {len(answers)} pages, {left} links past the bound")
