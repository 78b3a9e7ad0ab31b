"""The figures' arithmetic, for the API and the page: person-times add up the tree (本级 and
every child to the total), distinct attendees do not."""

import datetime
import random

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from gonghui.culture.indicators import FIGURES
from gonghui.culture.models import BookhouseMonth, CultureWorkerYear
from gonghui.culture.rollups import ROLLUPS
from gonghui.culture.selectors import culture_figures
from gonghui.culture.services import (
    add_bookhouse,
    plan_event,
    record_visits,
    report_held,
    sign_in,
)
from gonghui.members.generate import make_id
from gonghui.orgs.models import Org
from gonghui.tests.figures import assert_rows_add_up, page_tables

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year - 1


def at(month: int, day: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(YEAR, month, day, 19, 30))


@pytest.fixture
def scene(zhumadian_officer, make_worker, grassroots):
    """Five held events in 驻马店 with sign-ins; w1 goes to four of them, in two counties."""
    w1, w2 = (
        make_worker(n, id_number=make_id(random.Random(i), "411702"))
        for i, n in ((1, "张东青"), (2, "李秀英"))
    )
    w3 = make_worker("王伟", org="411721", id_number=make_id(random.Random(3), "411721"))

    def event(code: str, when: datetime.datetime, audience: int, *workers):
        planned = plan_event(
            by=zhumadian_officer,
            org=Org.objects.get(code=code),
            kind="performance",
            title=f"{code}演出",
            venue="广场",
            starts_at=when,
        )
        done = report_held(by=zhumadian_officer, event=planned, audience=audience, estimated=True)
        if workers:
            sign_in(by=zhumadian_officer, event=done, workers=list(workers), channel="staff")
        return done

    event("411702", at(3), 1000, w1, w2)
    event("411702", at(5), 300, w1)
    event("411721", at(3), 500, w1, w3)
    event("411700", at(5), 200, w2)
    event(grassroots.code, at(3, 20), 40, w1)
    plan_event(
        by=zhumadian_officer,
        org=Org.objects.get(code="411702"),
        kind="film",
        title="未报告的电影",
        venue="某村",
        starts_at=at(3),
    )  # planned only: not counted
    mine = add_bookhouse(
        by=zhumadian_officer,
        org=Org.objects.get(code="411702"),
        name="书屋甲",
        host_kind="union",
        level="province",
        level_year=2020,
    )
    theirs = add_bookhouse(
        by=zhumadian_officer, org=Org.objects.get(code="411721"), name="书屋乙", host_kind="station"
    )
    for bookhouse, month, visits in ((mine, 3, 100), (mine, 5, 50), (theirs, 3, 30)):
        record_visits(
            by=zhumadian_officer,
            bookhouse=bookhouse,
            month=datetime.date(YEAR, month, 1),
            visits=visits,
        )
    return grassroots


def figures(user, code, **period):
    here, children = culture_figures(user, org_code=code, **period)
    row = lambda f: (f.events, f.audience, f.attendances, f.attendees, f.visits)  # noqa: E731
    return row(here), {c.org_code: row(c) for c in children}


def test_person_times_add_up_and_distinct_attendees_are_counted_at_each_level(
    scene, province_admin
):
    city, counties = figures(province_admin, "411700", year=YEAR)
    assert counties["411702"] == (3, 1340, 4, 2, 150)
    assert counties["411721"] == (1, 500, 2, 2, 30)
    # events, audience and attendances are sums of the children plus the city's own event;
    # distinct attendees are w1, w2, w3 once each, not 2 + 2 + 1.
    assert city == (5, 2040, 7, 3, 180)
    _, unions = figures(province_admin, "411702", year=YEAR)
    assert unions[scene.code] == (1, 40, 1, 1, 0)  # below county level: from raw sign-ins
    province, _ = figures(province_admin, None, year=YEAR)
    assert province == city


def test_a_month_narrows_everything_but_the_bookhouse_registry(scene, province_admin):
    march, _ = figures(province_admin, "411700", year=YEAR, month=3)
    assert march == (3, 1000 + 500 + 40, 2 + 2 + 1, 3, 130)
    may, _ = figures(province_admin, "411700", year=YEAR, month=5)
    assert may == (2, 500, 2, 2, 50)
    here, _ = culture_figures(province_admin, org_code="411700", year=YEAR, month=5)
    assert here.province_or_above == 1 and here.bookhouses == {"省级示范点": 1, "未评定": 1}
    nothing, children = figures(province_admin, "411700", year=YEAR - 5)
    assert nothing == (0, 0, 0, 0, 0) and set(children) == {"411702", "411721"}


def test_the_page_has_a_benji_row_every_county_and_a_total_that_adds_up(
    client, scene, zhumadian_officer
):
    client.force_login(zhumadian_officer)
    html = client.get(reverse("culture:figures"), {"year": YEAR}).content.decode()
    activities, bookhouses = page_tables(html)
    counties = set(Org.objects.filter(parent__code="411700").values_list("code", flat=True))
    assert set(activities) == set(bookhouses) == {"411700", "", *counties}
    assert list(activities)[0] == "411700" and "本级（驻马店市总工会）" in html
    columns = ("culture.events", "culture.audience", "culture.attendances", "culture.attendees")
    row = lambda cells: tuple(cells[c] for c in columns)  # noqa: E731
    assert row(activities["411700"]) == ("1", "200", "1", "1")  # the city's own show
    assert row(activities["411702"]) == ("3", "1,340", "4", "2")
    assert row(activities["411721"]) == ("1", "500", "2", "2")
    assert row(activities["411722"]) == ("0", "0", "0", "0")  # a county without any
    assert row(activities[""]) == ("5", "2,040", "7", "3")  # w1, w2, w3 once each
    assert bookhouses["411702"]["culture.bookhouses"] == "1"
    assert bookhouses["411702"]["culture.level.province"] == "1"
    assert bookhouses["411721"]["culture.level.none"] == "1"
    assert bookhouses[""]["culture.visits"] == "180"
    assert_rows_add_up(FIGURES, html)


def test_figures_page_shows_the_period_and_rollup_check_catches_a_tampered_row(
    client, scene, zhumadian_officer, yicheng_officer
):
    client.force_login(zhumadian_officer)
    march = {"from": f"{YEAR}-03-01", "to": f"{YEAR}-03-31"}
    page = client.get(reverse("culture:figures"), march).content.decode()
    assert f"{YEAR}年3月" in page
    activities, bookhouses = page_tables(page)
    assert activities[""]["culture.attendees"] == "3" and bookhouses[""]["culture.visits"] == "130"
    client.force_login(yicheng_officer)
    own, _ = page_tables(client.get(reverse("culture:figures"), {"year": YEAR}).content.decode())
    assert own[""]["culture.attendances"] == "4"
    assert own["411702"]["culture.attendances"] == "3"  # 驿城区's own two shows
    assert own[scene.code]["culture.attendances"] == "1"
    assert client.get(reverse("culture:figures") + "?org=411721").status_code == 404
    call_command("rollup", "check", "--app", "culture")
    CultureWorkerYear.objects.filter(attendances=3).update(attendances=2)
    with pytest.raises(CommandError):
        call_command("rollup", "check", "--app", "culture")
    call_command("rollup", "rebuild", "--app", "culture")
    assert ROLLUPS.differences() == []
    assert BookhouseMonth.objects.count() == 3


@pytest.mark.parametrize("query", ["year=3000", "year=10000", "year=abc", "from=2026-02-01"])
def test_a_wrong_period_is_refused_with_the_reason_above_this_years_figures(
    client, zhumadian_officer, query
):
    client.force_login(zhumadian_officer)
    answer = client.get(reverse("culture:figures") + "?" + query)
    assert answer.status_code == 200 and 'id="problem"' in answer.content.decode()
    if query == "year=3000":
        assert "年份须在 1949–2100 之间" in answer.content.decode()


def test_a_sibling_city_gets_404(client, scene, luoyang_officer):
    client.force_login(luoyang_officer)
    answer = client.get(reverse("culture:figures"), {"org": "411700", "year": YEAR})
    assert answer.status_code == 404
