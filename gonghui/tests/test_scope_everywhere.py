"""Every page and API endpoint, found by walking the URL conf, hides a sibling subtree.

A 洛阳 officer asks for every GET route, with 驻马店 objects in every path
parameter; each answer must be 404/403 or carry none of the 驻马店 data. New
routes are covered without anyone remembering to add them.
"""

import io
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from gonghui.accounts.services import issue_api_token

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("django-admin/", "static/")


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def routes() -> list[str]:
    found = sorted(set(walk(get_resolver().url_patterns)))
    return [r for r in found if not r.startswith(SKIP_PREFIXES)]


def fill(route: str, worker, org_code: str) -> str | None:
    """A concrete URL with 驻马店 objects in every parameter, or None for regex-only routes."""
    url = "/" + route.lstrip("^").rstrip("$")
    for token in url.split("<")[1:]:
        name = token.split(">")[0]
        key = name.split(":")[-1]
        if key in ("pk", "id", "worker_id"):
            value = str(worker.pk)
        elif key in ("code", "org_code"):
            value = org_code
        elif key in ("token",):
            value = "x" * 20
        else:
            value = str(worker.pk)
        url = url.replace(f"<{name}>", value)
    return None if "(" in url or "\\" in url else url


def visible_text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK" and zipfile.is_zipfile(io.BytesIO(body)):
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return body.decode("utf-8", "replace")


def test_a_sibling_officer_gets_nothing_from_any_page_or_endpoint(
    client, make_worker, luoyang_officer
):
    zhang = make_worker("张东青", org="411702")
    make_worker("洛阳人", org="410302")
    secret = ("张东青", zhang.id_masked, "驿城区", "驻马店")
    client.force_login(luoyang_officer)
    token = issue_api_token(user=luoyang_officer, name="scope test")
    checked = []
    for route in routes():
        url = fill(route, zhang, "411702")
        if url is None:
            continue
        headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
        # Queries must not contain the secrets themselves: pages echo the search box.
        for query in ("", "?q=zdq", "?org=411702", f"?q={zhang.id_masked[-4:]}"):
            response = client.get(url + query, headers=headers, follow=True)
            if response.status_code in (403, 404, 405):
                continue
            assert response.status_code < 400 or response.status_code == 422, (
                url + query,
                response.status_code,
            )
            text = visible_text(response)
            leaked = [s for s in secret if s in text]
            assert not leaked, f"{url}{query} shows {leaked}"
        checked.append(route)
    assert len(checked) >= 10, checked
