"""The console's competition jobs: a new contest, entries by ID number, titles from the
results on the contest's page, and an honour given on the craftsmen page."""

import datetime
import random

import pytest
from django.urls import reverse

from gonghui.accounts.models import Role
from gonghui.audit.models import AuditEvent
from gonghui.members.generate import make_id
from gonghui.orgs.models import Org
from gonghui.training.competitions import create_competition, enter_competition, record_score
from gonghui.training.models import Competition, CraftsmanTitle, Entry

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def id_of(seed: int, county: str = "411702") -> str:
    return make_id(random.Random(seed), county)


def errors(text: str, field: str) -> str:
    """The error list shown next to ``field`` ('' when there is none)."""
    marker = f'id="errors-{field}"'
    return text[text.index(marker) :].split("</ul>")[0] if marker in text else ""


@pytest.fixture
def people(make_worker):
    names = ["张东青", "李秀英", "王伟"]
    return [make_worker(n, org="411702", id_number=id_of(i)) for i, n in enumerate(names, 1)]


def marked(contest, officer, people, marks):
    """Enter ``people`` and give each one judge's (theory, practical) marks."""
    for worker, (theory, practical) in zip(people, marks, strict=True):
        entry = enter_competition(by=officer, competition=contest, worker=worker)
        record_score(by=officer, entry=entry, judge="甲", part="theory", points=theory)
        record_score(by=officer, entry=entry, judge="甲", part="practical", points=practical)


def new_contest(**changes) -> dict:
    return {
        "org_code": "411700",
        "name": "驻马店市焊工技能竞赛",
        "tier": "city",
        "trade": "焊工",
        "held_on": TODAY.isoformat(),
        "theory_weight": "40",
        **changes,
    }


def test_an_officer_sets_up_a_contest_and_refusals_sit_next_to_their_field(
    client, zhumadian_officer
):
    client.force_login(zhumadian_officer)
    listing = client.get(reverse("training:competitions")).content.decode()
    assert reverse("training:competition_create") in listing
    url = reverse("training:competition_create")
    form = client.get(url).content.decode()
    assert 'name="theory_weight"' in form and 'value="411700"' in form
    answer = client.post(url, new_contest(theory_weight="120"))
    assert answer.status_code == 200
    assert "理论成绩权重应为0至100" in errors(answer.content.decode(), "theory_weight")
    answer = client.post(url, new_contest(org_code="410300"))
    assert "不在您的管辖范围内" in errors(answer.content.decode(), "org_code")
    answer = client.post(url, new_contest(tier="national"))
    assert errors(answer.content.decode(), "tier")
    assert not Competition.objects.exists()
    answer = client.post(url, new_contest())
    contest = Competition.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "training:competition", args=[contest.pk]
    )
    assert (contest.org.code, contest.tier, contest.trade, contest.theory_weight) == (
        "411700",
        "city",
        "焊工",
        40,
    )
    event = AuditEvent.objects.get(object_type="competition", action="create")
    assert event.actor_name == "zhumadian" and event.client_ip == "127.0.0.1"


def test_the_new_contest_page_is_for_those_who_manage_programmes(client, staff):
    reviewer = staff("zmd_reviewer", "411700", Role.REVIEWER)
    client.force_login(reviewer)
    assert (
        reverse("training:competition_create")
        not in client.get(reverse("training:competitions")).content.decode()
    )
    assert client.get(reverse("training:competition_create")).status_code == 404
    answer = client.post(reverse("training:competition_create"), new_contest())
    assert answer.status_code == 404 and not Competition.objects.exists()


def test_workers_are_entered_by_id_number_and_refusals_sit_next_to_the_number(
    client, contest, people, zhumadian_officer, make_worker
):
    client.force_login(zhumadian_officer)
    url = reverse("training:competition_enter", args=[contest.pk])
    page = client.get(reverse("training:competition", args=[contest.pk])).content.decode()
    assert 'id="enter"' in page
    answer = client.post(url, {"id_number": id_of(1)}, follow=True)
    assert "张*青 已报名参赛" in answer.content.decode()
    assert list(Entry.objects.values_list("worker__name", flat=True)) == ["张东青"]
    again = client.post(url, {"id_number": id_of(1)})
    assert again.status_code == 400
    assert "该职工已报名本竞赛" in errors(again.content.decode(), "id_number")
    unknown = client.post(url, {"id_number": id_of(99)})
    assert "没有该身份证号" in errors(unknown.content.decode(), "id_number")
    typo = client.post(url, {"id_number": id_of(2)[:-1] + "0"})
    assert errors(typo.content.decode(), "id_number")
    county_contest = create_competition(
        by=zhumadian_officer,
        org=Org.objects.get(code="411721"),
        name="西平县焊工竞赛",
        tier="enterprise",
        trade="焊工",
        held_on=TODAY,
    )
    outsider = client.post(
        reverse("training:competition_enter", args=[county_contest.pk]), {"id_number": id_of(2)}
    )
    assert "不在“西平县焊工竞赛”的参赛范围内" in errors(outsider.content.decode(), "id_number")
    assert Entry.objects.count() == 1
    event = AuditEvent.objects.get(object_type="competition_entry", action="enter")
    assert event.after == {"competition": contest.pk, "worker": people[0].pk}


def test_titles_go_to_the_top_places_of_a_held_contest_ties_included(
    client, contest, people, zhumadian_officer
):
    # 张东青 0.3*90 + 0.7*90 = 90; 李秀英 and 王伟 both 80 with equal practical marks: 2nd.
    marked(contest, zhumadian_officer, people, [("90", "90"), ("80", "80"), ("80", "80")])
    client.force_login(zhumadian_officer)
    page = client.get(reverse("training:competition", args=[contest.pk])).content.decode()
    assert 'id="award"' in page
    url = reverse("training:competition_award", args=[contest.pk])
    answer = client.post(url, {"places": "0", "title": "技术能手"})
    assert answer.status_code == 400
    assert "授予名次须为1或以上" in errors(answer.content.decode(), "places")
    answer = client.post(url, {"places": "2", "title": "驻马店市技术能手"}, follow=True)
    assert "已授予“驻马店市技术能手”3人：张*青、李*英、王*" in answer.content.decode()
    titles = CraftsmanTitle.objects.order_by("rank", "worker__name")
    assert [(t.worker.name, t.rank, t.level, t.year) for t in titles] == [
        ("张东青", 1, "city", contest.held_on.year),
        ("李秀英", 2, "city", contest.held_on.year),
        ("王伟", 2, "city", contest.held_on.year),
    ]
    craftsmen = client.get(reverse("training:craftsmen")).content.decode()
    assert "驻马店市电工技能竞赛 第2名" in craftsmen and "王*" in craftsmen
    again = client.post(url, {"places": "1", "title": "驻马店市技术能手"})
    assert again.status_code == 400
    assert "已获“驻马店市技术能手”" in errors(again.content.decode(), "title")
    assert CraftsmanTitle.objects.count() == 3


def test_no_award_before_the_contest_is_held_or_without_complete_marks(
    client, people, zhumadian_officer
):
    later = create_competition(
        by=zhumadian_officer,
        org=Org.objects.get(code="411700"),
        name="驻马店市叉车竞赛",
        tier="city",
        trade="叉车",
        held_on=TODAY + datetime.timedelta(days=10),
    )
    marked(later, zhumadian_officer, people[:1], [("90", "90")])
    client.force_login(zhumadian_officer)
    page = client.get(reverse("training:competition", args=[later.pk])).content.decode()
    assert 'id="award"' not in page
    answer = client.post(
        reverse("training:competition_award", args=[later.pk]), {"places": "3", "title": "能手"}
    )
    assert "赛后方可按成绩授予" in errors(answer.content.decode(), "places")
    held = create_competition(
        by=zhumadian_officer,
        org=Org.objects.get(code="411700"),
        name="驻马店市钳工竞赛",
        tier="city",
        trade="钳工",
        held_on=TODAY,
    )
    enter_competition(by=zhumadian_officer, competition=held, worker=people[1])
    answer = client.post(
        reverse("training:competition_award", args=[held.pk]), {"places": "3", "title": "能手"}
    )
    assert "尚无成绩完整的参赛者" in errors(answer.content.decode(), "places")
    assert not CraftsmanTitle.objects.exists()


def test_a_county_officer_enters_workers_but_awards_only_their_own_contests_and_a_sibling_gets_404(
    client, contest, people, zhumadian_officer, yicheng_officer, luoyang_officer
):
    marked(contest, zhumadian_officer, people[:1], [("90", "90")])
    client.force_login(yicheng_officer)  # the city's contest: entries yes, awards no
    page = client.get(reverse("training:competition", args=[contest.pk])).content.decode()
    assert 'id="enter"' in page and 'id="award"' not in page
    award = {"places": "1", "title": "技术能手"}
    assert (
        client.post(reverse("training:competition_award", args=[contest.pk]), award).status_code
        == 404
    )
    answer = client.post(
        reverse("training:competition_enter", args=[contest.pk]), {"id_number": id_of(2)}
    )
    assert answer.status_code == 302
    client.force_login(luoyang_officer)
    for name, body in [
        ("competition", None),
        ("competition_enter", {"id_number": id_of(3)}),
        ("competition_award", award),
    ]:
        url = reverse(f"training:{name}", args=[contest.pk])
        answer = client.post(url, body) if body else client.get(url)
        assert answer.status_code == 404, name
    assert Entry.objects.count() == 2 and not CraftsmanTitle.objects.exists()


def honour(**changes) -> dict:
    return {
        "id_number": id_of(2),
        "title": "河南工匠",
        "level": "province",
        "year": str(TODAY.year),
        **changes,
    }


def test_an_honour_is_given_on_the_craftsmen_page_and_refusals_sit_next_to_their_field(
    client, people, zhumadian_officer, make_worker
):
    make_worker("洛阳人", org="410300", id_number=id_of(7, "410302"))
    client.force_login(zhumadian_officer)
    page = client.get(reverse("training:craftsmen")).content.decode()
    assert 'id="award-title"' in page and f'value="{TODAY.year}"' in page
    url = reverse("training:craftsman_award")
    answer = client.post(url, honour(), follow=True)
    assert f"已授予 李*英 {TODAY.year}年“河南工匠”" in answer.content.decode()
    table = answer.content.decode().split('id="titles"')[1]
    assert "河南工匠" in table and "李*英" in table and "省级" in table
    title = CraftsmanTitle.objects.get()
    assert (title.worker, title.competition, title.org_path) == (
        people[1],
        None,
        people[1].org_path,
    )
    assert AuditEvent.objects.filter(object_type="craftsman_title", action="award").count() == 1
    cases = [
        (honour(), "title", "已获“河南工匠”"),
        (honour(year="3000"), "year", "授予年份须在1949–2100年之间"),
        (honour(title=" "), "title", ""),
        (honour(id_number=id_of(7, "410302")), "id_number", "没有该身份证号"),
        (honour(id_number="4117"), "id_number", ""),
        (honour(level="county"), "level", ""),
    ]
    for body, field, message in cases:
        answer = client.post(url, body)
        assert answer.status_code == 400, body
        shown = errors(answer.content.decode(), field)
        assert shown and message in shown, (field, shown)
    assert CraftsmanTitle.objects.count() == 1


def test_only_those_who_manage_programmes_give_honours(client, people, staff):
    reviewer = staff("zmd_reviewer", "411700", Role.REVIEWER)
    client.force_login(reviewer)
    assert 'id="award-title"' not in client.get(reverse("training:craftsmen")).content.decode()
    assert client.post(reverse("training:craftsman_award"), honour()).status_code == 404
    assert not CraftsmanTitle.objects.exists()
