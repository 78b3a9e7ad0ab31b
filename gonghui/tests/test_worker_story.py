"""A worker's page tells the worker's story across every app, each line read through its own
app's scoped selector; a sibling org's officer gets 404; the query count is pinned."""

import re

import pytest

from gonghui.tests.test_scope_everywhere import world  # noqa: F401 - the shared 驻马店 world

pytestmark = pytest.mark.django_db
MODULES = {"互助保障", "欠薪维权", "技能素质", "文化服务"}  # 张东青's; 李秀英 had the breakfast


def test_the_worker_page_shows_the_story_from_every_app(client, world):  # noqa: F811
    client.force_login(world.zhumadian)  # the city: its breakfast programme is the city's
    page = client.get(f"/workers/{world.worker.pk}/").content.decode()
    story_url = f"/console/workers/{world.worker.pk}/story/"
    assert f'hx-get="{story_url}"' in page and f'href="{story_url}"' in page  # works without JS
    fragment = client.get(story_url, headers={"HX-Request": "true"}).content.decode()
    assert set(re.findall(r'data-module="([^"]+)"', fragment)) >= MODULES
    assert "<html" not in fragment
    assert "12,000.00元" in fragment  # the wage case's money in 元, never in 分
    assert "技能竞赛" in fragment and "报名夜校" in fragment
    other = client.get(f"/console/workers/{world.other_worker.pk}/story/").content.decode()
    assert (
        'data-module="普惠服务"' in other
        and "驻马店环卫工人免费早餐（驿城区早餐服务点）1次" in other
    )


def test_a_sibling_gets_no_story(client, world):  # noqa: F811
    client.force_login(world.luoyang)
    assert client.get(f"/console/workers/{world.worker.pk}/story/").status_code == 404


def test_the_story_costs_a_fixed_number_of_queries(client, world, django_assert_num_queries):  # noqa: F811
    client.force_login(world.zhumadian)
    client.get(f"/console/workers/{world.worker.pk}/story/")  # warm the session
    with django_assert_num_queries(15):
        client.get(f"/console/workers/{world.worker.pk}/story/", headers={"HX-Request": "true"})
