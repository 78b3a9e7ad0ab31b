"""/api/orgs: the token decides who, the org path decides which rows."""

import pytest

from gonghui.orgs.models import Org

ZHUMADIAN = "410000/411700/"

# Every /api/orgs endpoint, with a 驻马店 target; test_openapi (members) checks none is missing.
ENDPOINTS = [
    ("get", "/api/orgs", {}),
    ("get", "/api/orgs", {"parent": "411700"}),
    ("get", "/api/orgs/411702", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "query"), ENDPOINTS)
def test_every_org_endpoint_needs_a_token(call, method, path, query):
    assert call(None, method, path, query).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "query"), ENDPOINTS)
def test_a_bad_token_is_401(client, method, path, query):
    response = getattr(client, method)(path, data=query, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("path", "query"),
    [("/api/orgs/411702", {}), ("/api/orgs/411700", {}), ("/api/orgs", {"parent": "411700"})],
)
def test_sibling_city_gets_404_for_zhumadian_orgs(call, luoyang_officer, path, query):
    response = call(luoyang_officer, "get", path, query)
    assert response.status_code == 404


def test_sibling_city_lists_none_of_zhumadian(call, luoyang_officer, grassroots):
    body = call(luoyang_officer, "get", "/api/orgs", {"limit": 500}).json()
    codes = {org["code"] for org in body["items"]}
    assert "410300" in codes
    assert not {c for c in codes if c.startswith("4117")}
    assert body["count"] == Org.objects.filter(path__startswith="410000/410300/").count()


def test_county_officer_lists_only_own_county(call, yicheng_officer, grassroots):
    body = call(yicheng_officer, "get", "/api/orgs").json()
    assert [org["code"] for org in body["items"]] == ["411702", grassroots.code]
    county = body["items"][0]
    assert county == {
        "code": "411702",
        "name": Org.objects.get(code="411702").name,
        "kind": "county",
        "kind_name": "县（区）总工会",
        "parent_code": "411700",
        "depth": county["depth"],
        "path": "410000/411700/411702/",
        "n_children": None,
    }


def test_parent_lists_direct_children_with_their_child_counts(call, zhumadian_officer, grassroots):
    body = call(zhumadian_officer, "get", "/api/orgs", {"parent": "411700", "limit": 500}).json()
    children = {org["code"]: org for org in body["items"]}
    assert set(children) == set(
        Org.objects.filter(parent__code="411700").values_list("code", flat=True)
    )
    assert children["411702"]["n_children"] == 1
    assert all(org["parent_code"] == "411700" for org in children.values())


def test_province_list_is_paginated(call, province_admin):
    body = call(province_admin, "get", "/api/orgs", {"limit": 5, "offset": 1}).json()
    assert body["count"] == Org.objects.count()
    assert len(body["items"]) == 5
    assert body["items"][0]["code"] == Org.objects.order_by("path")[1].code


def test_org_detail_in_scope(call, zhumadian_officer, grassroots):
    response = call(zhumadian_officer, "get", f"/api/orgs/{grassroots.code}")
    assert response.status_code == 200
    assert response.json()["parent_code"] == "411702"
    assert response.json()["kind"] == "grassroots"
