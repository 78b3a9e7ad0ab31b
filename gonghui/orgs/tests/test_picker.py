"""The org picker: an org named by code, name (either script), pinyin or initials, only among
the user's own orgs; several candidates are listed with their codes."""

import pytest
from django.urls import reverse

from gonghui.core.errors import DomainError
from gonghui.orgs.picker import OrgPicker
from gonghui.orgs.selectors import orgs_matching, pick_org

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["411702", "驿城区总工会", "驛城", "ycq", "yichengqu", "YCQ"])
def test_a_county_is_picked_by_code_name_traditional_name_pinyin_or_initials(
    zhumadian_officer, text
):
    assert pick_org(zhumadian_officer, text).code == "411702"


def test_a_grassroots_union_made_later_is_found_by_its_initials(zhumadian_officer, grassroots):
    assert pick_org(zhumadian_officer, "ycqhwc").code == grassroots.code


def test_an_org_outside_the_subtree_is_never_a_candidate(yicheng_officer, luoyang_officer):
    assert orgs_matching(luoyang_officer, "ycq") == []
    with pytest.raises(DomainError) as refused:
        pick_org(luoyang_officer, "411702")
    assert refused.value.code == "org_not_found" and "不在您的管辖范围内" in refused.value.message
    assert [o.code for o in orgs_matching(yicheng_officer, "41")] == ["411702"]


def test_text_meaning_several_orgs_lists_them_with_codes(zhumadian_officer):
    with pytest.raises(DomainError) as refused:
        pick_org(zhumadian_officer, "县")
    assert refused.value.code == "org_ambiguous"
    assert (
        "西平县总工会（411721）" in refused.value.message and "（41030" not in refused.value.message
    )


def test_the_exact_code_comes_first_and_a_typed_code_wins_over_a_longer_one(province_admin):
    assert orgs_matching(province_admin, "4117")[0].code == "411700"
    assert pick_org(province_admin, "411700").code == "411700"


def test_a_ticked_candidate_wins_over_the_text_typed():
    widget = OrgPicker()
    assert widget.value_from_datadict({"org": "zmd", "org_pick": "411702"}, {}, "org") == "411702"
    assert widget.value_from_datadict({"org": "zmd"}, {}, "org") == "zmd"


def test_the_list_as_the_user_types_holds_only_their_orgs(client, yicheng_officer, luoyang_officer):
    client.force_login(yicheng_officer)
    page = client.get(reverse("orgs:pick"), {"field": "org_code", "org_code": "ycq"})
    assert 'name="org_code_pick" value="411702"' in page.content.decode()
    client.force_login(luoyang_officer)
    page = client.get(reverse("orgs:pick"), {"field": "org_code", "org_code": "ycq"})
    assert "411702" not in page.content.decode() and "没有匹配的组织" in page.content.decode()
    assert client.get(reverse("orgs:pick"), {"field": "a b"}).status_code == 404


def test_a_form_rendered_offers_the_picker(client, yicheng_officer):
    client.force_login(yicheng_officer)
    page = client.get(reverse("stations:create")).content.decode()
    assert 'hx-get="/orgs/pick/"' in page and 'id="id_org_code-choices"' in page


def test_a_hand_over_field_offers_the_orgs_above_and_their_children_not_the_province(
    yicheng_officer,
):
    offered = {o.code for o in orgs_matching(yicheng_officer, "41", limit=100, among="hand_over")}
    assert {"410000", "411700", "411702", "411721", "410300"} <= offered
    assert "410302" not in offered  # a county of another city: not the county's to see listed
    assert pick_org(yicheng_officer, "西平县", among="hand_over").code == "411721"
    with pytest.raises(DomainError):
        pick_org(yicheng_officer, "411721")  # the subtree alone, as every other org field


def test_the_pick_list_answers_for_a_named_set_and_404s_for_an_unknown_one(client, yicheng_officer):
    client.force_login(yicheng_officer)
    url = reverse("orgs:pick")
    answer = client.get(url, {"field": "to_org", "among": "hand_over", "to_org": "xpx"})
    assert 'name="to_org_pick" value="411721"' in answer.content.decode()
    assert (
        'value="411721"'
        not in client.get(url, {"field": "to_org", "to_org": "xpx"}).content.decode()
    )
    assert client.get(url, {"field": "to_org", "among": "all", "to_org": "xpx"}).status_code == 404
