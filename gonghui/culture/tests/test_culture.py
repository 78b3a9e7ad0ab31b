import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.culture.models import CultureDaily, Event
from gonghui.culture.rollups import ROLLUPS
from gonghui.culture.selectors import culture_figures
from gonghui.culture.services import (
    add_bookhouse,
    cancel_event,
    create_campaign,
    plan_event,
    report_held,
)
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db
NOW = timezone.now()


@pytest.fixture(autouse=True)
def rollup_agrees_after_every_scenario():
    yield
    assert ROLLUPS.differences() == []


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def show(by, code: str, title: str, days_ago: int = 3) -> Event:
    return plan_event(
        by=by,
        org=org(code),
        kind="performance",
        title=title,
        venue="某村文化广场",
        starts_at=NOW - datetime.timedelta(days=days_ago),
        performers="豫剧团",
    )


def test_held_events_and_audience_roll_up_the_tree(
    zhumadian_officer, yicheng_officer, province_admin
):
    first = show(yicheng_officer, "411702", "送戏下乡·驿城")
    second = show(zhumadian_officer, "411721", "送戏下乡·西平")
    third = show(zhumadian_officer, "411700", "市直广场演出")
    report_held(by=yicheng_officer, event=first, audience=1200, estimated=True)
    report_held(by=zhumadian_officer, event=second, audience=800)
    cancel_event(by=zhumadian_officer, event=third)
    with pytest.raises(DomainError):
        report_held(by=zhumadian_officer, event=third, audience=10)
    with pytest.raises(DomainError):
        report_held(by=yicheng_officer, event=first, audience=1)  # reported once
    city, children = culture_figures(province_admin, org_code="411700")
    assert (city.events, city.audience) == (2, 2000)
    assert sorted((c.org_code, c.events, c.audience) for c in children) == [
        ("411702", 1, 1200),
        ("411721", 1, 800),
    ]
    province, _ = culture_figures(province_admin, year=first.day.year)
    assert (province.events, province.audience) == (2, 2000)
    none, _ = culture_figures(province_admin, year=2001)
    assert (none.events, none.audience) == (0, 0)
    CultureDaily.objects.update(audience=5)
    with pytest.raises(CommandError):
        call_command("rollup", "check", "--app", "culture")
    call_command("rollup", "rebuild", "--app", "culture")


def test_refusals_future_events_and_sibling_scope(yicheng_officer, luoyang_officer):
    future = plan_event(
        by=yicheng_officer,
        org=org("411702"),
        kind="film",
        title="露天电影",
        venue="某厂",
        starts_at=NOW + datetime.timedelta(days=5),
    )
    with pytest.raises(DomainError) as refused:
        report_held(by=yicheng_officer, event=future, audience=100)
    assert refused.value.code == "not_yet"
    past = show(yicheng_officer, "411702", "送书画")
    with pytest.raises(DomainError):
        report_held(by=yicheng_officer, event=past, audience=10_000_000)
    with pytest.raises(PermissionDenied):
        report_held(by=luoyang_officer, event=past, audience=10)
    with pytest.raises(PermissionDenied):
        show(luoyang_officer, "411702", "越界活动")


def test_bookhouses_by_level_count_provincial_or_above(zhumadian_officer, province_admin):
    add_bookhouse(
        by=zhumadian_officer,
        org=org("411702"),
        name="环卫处职工书屋",
        host_kind="union",
        level="national",
        level_year=2022,
        holdings=3000,
    )
    add_bookhouse(
        by=zhumadian_officer,
        org=org("411721"),
        name="西平驿站书屋",
        host_kind="station",
        level="province",
        level_year=2024,
    )
    add_bookhouse(by=zhumadian_officer, org=org("411721"), name="企业书屋", host_kind="enterprise")
    with pytest.raises(DomainError):
        add_bookhouse(
            by=zhumadian_officer, org=org("411721"), name="无年份", host_kind="union", level="city"
        )
    city, _ = culture_figures(province_admin, org_code="411700")
    assert city.province_or_above == 2
    assert city.bookhouses == {"全国示范点": 1, "省级示范点": 1, "未评定": 1}


def test_pages_show_our_subtree_and_404_to_a_sibling(client, yicheng_officer, luoyang_officer):
    event = show(yicheng_officer, "411702", "送讲座·驿城")
    add_bookhouse(by=yicheng_officer, org=org("411702"), name="驿城书屋", host_kind="union")
    month = f"?month={event.day:%Y-%m}"
    client.force_login(yicheng_officer)
    assert "送讲座·驿城" in client.get(reverse("culture:events") + month).content.decode()
    done = client.post(
        reverse("culture:event_held", args=[event.pk]), {"audience": "300"}, follow=True
    )
    assert "已登记为已举办" in done.content.decode()
    event.refresh_from_db()
    assert event.state == "held" and event.audience == 300
    client.force_login(luoyang_officer)
    assert "送讲座" not in client.get(reverse("culture:events") + month).content.decode()
    assert "驿城书屋" not in client.get(reverse("culture:bookhouses")).content.decode()
    assert client.get(reverse("culture:figures") + "?org=411702").status_code == 404
    for name in ("event_held", "event_cancel"):
        assert client.post(reverse(f"culture:{name}", args=[event.pk])).status_code == 404


def test_plan_form_puts_refusals_by_the_field(client, yicheng_officer):
    client.force_login(yicheng_officer)
    page = client.post(
        reverse("culture:event_create"),
        {
            "org_code": "410300",
            "kind": "film",
            "title": "x",
            "venue": "y",
            "starts_at": "2026-12-01T19:30",
        },
    ).content.decode()
    assert "“410300”不存在或不在您的管辖范围内" in page and not Event.objects.exists()
    answer = client.post(
        reverse("culture:event_create"),
        {
            "org_code": "411702",
            "kind": "film",
            "title": "露天电影",
            "venue": "某村",
            "starts_at": "2026-12-01T19:30",
        },
    )
    assert answer.status_code == 302 and Event.objects.get().title == "露天电影"


def test_tracking_links_count_reads_and_shares_per_org_and_roll_up(
    client, zhumadian_officer, province_admin
):
    today = timezone.localdate()
    campaign = create_campaign(
        by=zhumadian_officer,
        org=org("411700"),
        name="悦读新思想 经典诵读",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=9),
        items=[("《劳动者之歌》", "https://example.org/song")],
    )
    item = campaign.items.get()
    read = client.get(reverse("culture:track_read", args=[item.pk, "411702"]))
    assert read.status_code == 302 and read["Location"] == "https://example.org/song"
    client.get(reverse("culture:track_read", args=[item.pk, "411702"]), REMOTE_ADDR="10.0.0.2")
    for code, phone in (("411702", "10.0.0.1"), ("411721", "10.0.0.2"), ("411721", "10.0.0.3")):
        shared = client.post(
            reverse("culture:track_share", args=[item.pk, code]), REMOTE_ADDR=phone
        )
        assert shared.status_code == 204
    outside = client.post(reverse("culture:track_share", args=[item.pk, "410302"]))
    assert outside.status_code == 410 and "不在本次阅读活动范围内" in outside.content.decode()
    assert client.get(reverse("culture:track_read", args=[item.pk, "999999"])).status_code == 404
    city, children = culture_figures(province_admin, org_code="411700")
    assert (city.reads, city.shares) == (2, 3)
    assert sorted((c.org_code, c.reads, c.shares) for c in children) == [
        ("411702", 2, 1),
        ("411721", 0, 2),
    ]
    with pytest.raises(PermissionDenied):
        create_campaign(
            by=zhumadian_officer,
            org=org("410300"),
            name="x",
            starts_on=today,
            ends_on=today,
            items=[],
        )
