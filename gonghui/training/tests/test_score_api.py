"""POST /api/training/competitions/{id}/scores, and the ranking it feeds."""

import datetime

import pytest

from gonghui.orgs.models import Org
from gonghui.training.competitions import create_competition, enter_competition
from gonghui.training.models import Score

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(zhumadian_officer):
    return create_competition(
        by=zhumadian_officer,
        org=Org.objects.get(code="411700"),
        name="驻马店市电工技能竞赛",
        tier="city",
        trade="电工",
        held_on=datetime.date(2026, 10, 20),
        theory_weight=40,
    )


@pytest.fixture
def entry(contest, zhumadian_officer, make_worker):
    worker = make_worker("张东青", org="411702")
    return enter_competition(by=zhumadian_officer, competition=contest, worker=worker)


def url(contest) -> str:
    return f"/api/training/competitions/{contest.pk}/scores"


def test_marks_posted_through_the_api_rank_the_entry(call, contest, entry, zhumadian_officer):
    body = {"entry_id": entry.pk, "judge": "评委甲", "part": "theory", "points": "80"}
    first = call(zhumadian_officer, "post", url(contest), body)
    assert first.status_code == 200, first.content
    assert first.json() == {
        "entry_id": entry.pk,
        "masked_name": "张*青",
        "judge": "评委甲",
        "part": "theory",
        "points": "80.00",
        "change": "created",
    }
    assert call(zhumadian_officer, "post", url(contest), body).json()["change"] == "unchanged"
    body = {**body, "part": "practical", "points": 90.5}
    assert call(zhumadian_officer, "post", url(contest), body).json()["change"] == "created"
    ranking = call(zhumadian_officer, "get", f"/api/training/competitions/{contest.pk}/ranking")
    # 0.4 * 80 + 0.6 * 90.5 = 86.3
    assert ranking.json() == [
        {
            "rank": 1,
            "masked_name": "张*青",
            "org_code": "411702",
            "theory": "80.00",
            "practical": "90.50",
            "total": "86.30",
        }
    ]


def test_refusals_are_the_services_with_their_field(call, contest, entry, zhumadian_officer):
    bad_part = {"entry_id": entry.pk, "judge": "评委甲", "part": "笔试", "points": "80"}
    answer = call(zhumadian_officer, "post", url(contest), bad_part)
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_part" and answer.json()["field"] == "part"
    too_high = {**bad_part, "part": "theory", "points": "100.01"}
    answer = call(zhumadian_officer, "post", url(contest), too_high)
    assert answer.status_code == 400 and answer.json()["field"] == "points"
    assert Score.objects.count() == 0


def test_a_sibling_gets_404_and_an_entry_of_another_contest_is_404(
    call, contest, entry, zhumadian_officer, luoyang_officer, yicheng_officer, make_worker
):
    body = {"entry_id": entry.pk, "judge": "评委甲", "part": "theory", "points": "80"}
    assert call(luoyang_officer, "post", url(contest), body).status_code == 404
    # 驿城区 sees the city's contest but marks are the organiser's subtree's to record.
    assert call(yicheng_officer, "post", url(contest), body).status_code == 403
    other = create_competition(
        by=zhumadian_officer,
        org=Org.objects.get(code="411700"),
        name="驻马店市焊工技能竞赛",
        tier="city",
        trade="焊工",
        held_on=datetime.date(2026, 11, 2),
    )
    assert call(zhumadian_officer, "post", url(other), body).status_code == 404
    assert Score.objects.count() == 0
