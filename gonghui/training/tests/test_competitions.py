from fractions import Fraction

import pytest
from django.urls import reverse

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.portal import issue_portal_token
from gonghui.training.competitions import (
    award_from_results,
    award_title,
    enter_competition,
    ranking,
    ranking_visible_to,
    record_score,
    set_public_profile,
    titles_by_name,
)
from gonghui.training.services import WorkerActor

pytestmark = pytest.mark.django_db


def mark(officer, entry, theory: list, practical: list) -> None:
    for judge, points in enumerate(theory, start=1):
        record_score(by=officer, entry=entry, judge=f"评委{judge}", part="theory", points=points)
    for judge, points in enumerate(practical, start=1):
        record_score(by=officer, entry=entry, judge=f"评委{judge}", part="practical", points=points)


def test_ties_share_a_rank_practical_breaks_equal_totals_and_incomplete_are_unranked(
    contest, zhumadian_officer, make_worker
):
    people = {n: make_worker(n, org="411702") for n in ["甲", "乙", "丙", "丁", "戊", "己"]}
    entries = {
        n: enter_competition(by=zhumadian_officer, competition=contest, worker=w)
        for n, w in people.items()
    }
    mark(zhumadian_officer, entries["甲"], [90, 80], [80, 90])  # 0.3*85 + 0.7*85 = 85
    mark(zhumadian_officer, entries["乙"], [85], [85])  # 85, practical 85: tied with 甲
    mark(zhumadian_officer, entries["丙"], [100], [78.58])  # 30 + 55.006 = 85.006: first
    mark(zhumadian_officer, entries["丁"], [71], [91])  # 21.3 + 63.7 = 85, practical 91: before 甲
    mark(zhumadian_officer, entries["戊"], [60], [60])  # 60
    mark(zhumadian_officer, entries["己"], [99], [])  # no practical mark: not ranked
    rows = ranking(contest)
    table = [(r.entry.worker.name, r.rank, r.total_shown) for r in rows]
    assert table == [
        ("丙", 1, "85.01"),
        ("丁", 2, "85.00"),
        ("甲", 3, "85.00"),
        ("乙", 3, "85.00"),
        ("戊", 5, "60.00"),
        ("己", None, "—"),
    ]
    assert rows[2].total == Fraction(85)


def test_a_judge_marking_again_replaces_the_mark_and_bad_marks_are_refused(
    contest, zhumadian_officer, make_worker
):
    entry = enter_competition(
        by=zhumadian_officer, competition=contest, worker=make_worker("甲", org="411702")
    )
    first = record_score(by=zhumadian_officer, entry=entry, judge="张", part="theory", points="70")
    again = record_score(
        by=zhumadian_officer, entry=entry, judge="张 ", part="theory", points="70.00"
    )
    fixed = record_score(
        by=zhumadian_officer, entry=entry, judge="张", part="theory", points="75.5"
    )
    assert [m.change for m in (first, again, fixed)] == ["created", "unchanged", "updated"]
    assert [str(s.points) for s in entry.scores.all()] == ["75.50"]
    marks = AuditEvent.objects.filter(action="score", object_id=str(entry.pk))
    assert marks.count() == 2  # the repeat of the same mark wrote nothing
    for bad in ["101", "-1", "80.123", "八十", "NaN"]:
        with pytest.raises(DomainError) as refused:
            record_score(by=zhumadian_officer, entry=entry, judge="张", part="theory", points=bad)
        assert refused.value.field == "points"
    with pytest.raises(DomainError) as refused:
        record_score(by=zhumadian_officer, entry=entry, judge="张" * 51, part="theory", points=1)
    assert refused.value.field == "judge"
    with pytest.raises(DomainError):
        enter_competition(by=zhumadian_officer, competition=contest, worker=entry.worker)


def test_sibling_subtrees_neither_enter_nor_see(
    contest, zhumadian_officer, luoyang_officer, yicheng_officer, make_worker, client, call
):
    ours = make_worker("驿城选手", org="411702")
    other = make_worker("西平选手", org="411721")
    luoyang = make_worker("洛阳选手", org="410302")
    with pytest.raises(PermissionDenied):
        enter_competition(by=luoyang_officer, competition=contest, worker=luoyang)
    with pytest.raises(DomainError):
        enter_competition(by=zhumadian_officer, competition=contest, worker=luoyang)
    for w in (ours, other):
        entry = enter_competition(by=zhumadian_officer, competition=contest, worker=w)
        mark(zhumadian_officer, entry, [80], [80])
    assert [r.entry.worker.name for r in ranking_visible_to(yicheng_officer, contest)] == [
        "驿城选手"
    ]
    with pytest.raises(PermissionDenied):
        record_score(by=luoyang_officer, entry=entry, judge="x", part="theory", points=1)
    client.force_login(yicheng_officer)
    page = client.get(reverse("training:competition", args=[contest.pk])).content.decode()
    assert "驿**手" in page and "西**手" not in page and "并列" in page
    client.force_login(luoyang_officer)
    assert client.get(reverse("training:competition", args=[contest.pk])).status_code == 404
    assert "电工" not in client.get(reverse("training:competitions")).content.decode()
    ranking_url = f"/api/training/competitions/{contest.pk}/ranking"
    assert call(luoyang_officer, "get", ranking_url).status_code == 404
    assert call(luoyang_officer, "get", "/api/training/competitions").json()["count"] == 0
    rows = call(yicheng_officer, "get", ranking_url).json()
    assert rows == [
        {
            "rank": 1,
            "masked_name": "驿**手",
            "org_code": "411702",
            "theory": "80.00",
            "practical": "80.00",
            "total": "80.00",
        }
    ]


def test_results_feed_the_registry_ties_included_and_the_public_page_needs_consent(
    contest, zhumadian_officer, yicheng_officer, luoyang_officer, make_worker, client
):
    people = [make_worker(n, org="411702") for n in ["王一", "李二", "赵三", "钱四"]]
    entries = [
        enter_competition(by=zhumadian_officer, competition=contest, worker=w) for w in people
    ]
    for entry, points in zip(entries, [90, 80, 80, 70], strict=True):
        mark(zhumadian_officer, entry, [points], [points])
    awarded = award_from_results(by=zhumadian_officer, competition=contest, places=2)
    assert sorted((t.worker.name, t.rank, t.level) for t in awarded) == [
        ("李二", 2, "city"),
        ("王一", 1, "city"),
        ("赵三", 2, "city"),
    ]
    award_title(by=yicheng_officer, worker=people[0], title="技术能手", level="city", year=2025)
    with pytest.raises(DomainError):
        award_title(by=yicheng_officer, worker=people[0], title="技术能手", level="city", year=2026)
    with pytest.raises(PermissionDenied):
        award_title(
            by=luoyang_officer, worker=people[3], title="河南工匠", level="province", year=2026
        )
    assert titles_by_name(yicheng_officer) == [("技术能手", 3)]  # 王一 twice counts once
    assert titles_by_name(luoyang_officer) == []

    public = reverse("training:craftsman_public", args=[people[0].pk])
    assert client.get(public).status_code == 404
    with pytest.raises(PermissionDenied):
        set_public_profile(by=WorkerActor(people[1].pk), worker=people[0], public=True)
    client.get(reverse("training:m_enter", args=[issue_portal_token(people[0].pk)]))
    client.post(reverse("training:m_profile"), {"public": "1"})
    shown = client.get(public).content.decode()
    assert (
        "王一" in shown
        and "驻马店市电工技能竞赛 第1名" in shown
        and people[0].id_masked not in shown
    )
    client.post(reverse("training:m_profile"), {"public": "0"})
    assert client.get(public).status_code == 404

    client.force_login(luoyang_officer)
    assert "王*" not in client.get(reverse("training:craftsmen")).content.decode()
    client.force_login(yicheng_officer)
    assert "王*" in client.get(reverse("training:craftsmen")).content.decode()
