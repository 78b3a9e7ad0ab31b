import pytest
from django.http import Http404

from gonghui.audit.models import AuditEvent
from gonghui.members.selectors import worker_for, workers_visible_to
from gonghui.members.services import find_worker_by_id_number, reveal_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def zhang(make_worker):
    return make_worker("张东青", org="411702", categories="外卖骑手")


@pytest.mark.parametrize(
    "query", ["张东青", "張東青", "东青", "zhangdongqing", "zhangd", "zdq", "ZDQ"]
)
def test_name_in_either_script_pinyin_and_initials_find_the_worker(zhang, province_admin, query):
    assert list(workers_visible_to(province_admin, q=query)) == [zhang]


def test_an_id_number_in_the_list_query_finds_nobody_only_the_posted_search_does(
    zhang, province_admin, luoyang_officer
):
    number = reveal_id_number(by=province_admin, worker=zhang)
    for part in (number.lower(), number[-4:], number[6:14], number[:-1]):
        assert list(workers_visible_to(province_admin, q=part)) == [], part
    assert find_worker_by_id_number(by=province_admin, number=number.lower()) == zhang
    assert find_worker_by_id_number(by=luoyang_officer, number=number) is None
    searches = AuditEvent.objects.filter(action="id_search").order_by("id")
    assert [(e.actor_id, e.after["found"]) for e in searches] == [
        (province_admin.pk, True),
        (luoyang_officer.pk, False),
    ]
    assert all(e.after["身份证号"] == zhang.id_masked for e in searches)
    assert searches[1].org_path == luoyang_officer.org.path  # the searcher's own subtree


def test_new_employment_form_is_derived_from_categories(zhang, make_worker, province_admin):
    make_worker("李四", categories="环卫工人")
    assert list(workers_visible_to(province_admin, category="新就业形态劳动者")) == [zhang]
    assert list(workers_visible_to(province_admin, category="外卖骑手")) == [zhang]


def test_member_filter(make_worker, province_admin):
    member = make_worker("会员", joined_on="2020-01-01")
    make_worker("非会员", joined_on="")
    assert list(workers_visible_to(province_admin, member=True)) == [member]


def test_sibling_subtree_sees_nothing(zhang, luoyang_officer, zhumadian_officer, yicheng_officer):
    assert workers_visible_to(luoyang_officer).count() == 0
    assert workers_visible_to(luoyang_officer, q="zdq").count() == 0
    assert workers_visible_to(zhumadian_officer).count() == 1
    assert workers_visible_to(yicheng_officer).count() == 1
    with pytest.raises(Http404):
        worker_for(luoyang_officer, zhang.pk)
