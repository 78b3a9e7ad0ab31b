"""The reading campaigns' public counters feed published figures (转发传播…万次): one client
counts one read and one share per campaign and day, whatever it sends, and is held to the
public request budget like the nearest-station search, with ``Retry-After`` on the 429."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from gonghui.core.ratelimit import anonymous_client
from gonghui.culture.models import ReadingClient, ReadingDaily
from gonghui.culture.services import count_reading, create_campaign
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db

PHONE = {"REMOTE_ADDR": "223.88.1.7", "HTTP_USER_AGENT": "Mozilla/5.0 MicroMessenger/8.0.50"}


@pytest.fixture(autouse=True)
def fresh_budget():
    cache.clear()  # the request budget lives in the cache, per clock window
    yield
    cache.clear()


@pytest.fixture
def item(zhumadian_officer):
    today = timezone.localdate()
    campaign = create_campaign(
        by=zhumadian_officer,
        org=Org.objects.get(code="411700"),
        name="悦读新思想 经典诵读",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=9),
        items=[
            ("《劳动者之歌》", "https://example.org/song"),
            ("《工匠精神》", "https://example.org/craft"),
        ],
    )
    return campaign.items.order_by("id").first()


def totals() -> tuple[int, int]:
    rows = ReadingDaily.objects.filter(source="link")
    return sum(r.reads for r in rows), sum(r.shares for r in rows)


def test_two_hundred_reads_and_shares_from_one_client_count_once(client, item, settings):
    settings.PUBLIC_RATE = "1000/m"
    read = reverse("culture:track_read", args=[item.pk, "411702"])
    share = reverse("culture:track_share", args=[item.pk, "411702"])
    reads = {client.get(read, **PHONE).status_code for _ in range(200)}
    shares = {client.post(share, **PHONE).status_code for _ in range(200)}
    assert (reads, shares) == ({302}, {204})
    assert totals() == (1, 1)
    # another item of the same campaign, through another org's link: still the same client
    other = item.campaign.items.exclude(pk=item.pk).get()
    client.post(reverse("culture:track_share", args=[other.pk, "411721"]), **PHONE)
    assert totals() == (1, 1)
    # another phone behind the same address is another client; so is another address
    client.post(share, REMOTE_ADDR=PHONE["REMOTE_ADDR"], HTTP_USER_AGENT="Mozilla/5.0 iPhone")
    client.post(share, REMOTE_ADDR="223.88.1.8", HTTP_USER_AGENT=PHONE["HTTP_USER_AGENT"])
    assert totals() == (1, 3)


def test_no_client_address_is_stored_and_the_salt_changes_daily(client, item):
    client.get(reverse("culture:track_read", args=[item.pk, "411702"]), **PHONE)
    (seen,) = ReadingClient.objects.all()
    assert PHONE["REMOTE_ADDR"] not in seen.client and "223" not in seen.client
    today = timezone.localdate()
    request = type("Request", (), {"META": PHONE})()
    assert seen.client == anonymous_client(request, day=today)
    assert anonymous_client(request, day=today + datetime.timedelta(days=1)) != seen.client


def test_a_new_day_counts_the_client_again_and_forgets_yesterday(item):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ReadingClient.objects.create(campaign=item.campaign, day=yesterday, client="x", shared=True)
    assert count_reading(item=item, org=Org.objects.get(code="411702"), client="x", shared=True)
    assert not count_reading(item=item, org=Org.objects.get(code="411702"), client="x", shared=True)
    assert list(ReadingClient.objects.values_list("day", flat=True)) == [timezone.localdate()]
    assert totals() == (0, 1)


def test_tracking_links_are_rate_limited_with_retry_after(client, item, settings):
    settings.PUBLIC_RATE = "3/m"
    share = reverse("culture:track_share", args=[item.pk, "411702"])
    read = reverse("culture:track_read", args=[item.pk, "411702"])
    codes = [client.post(share, **PHONE).status_code for _ in range(3)]
    refused = client.get(read, **PHONE)
    assert codes == [204, 204, 204] and refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "请求过于频繁" in refused.content.decode()
    assert totals() == (0, 1)  # the refused read was not counted
    assert client.get(read, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_nearest_station_api_429_carries_retry_after(client, settings):
    settings.PUBLIC_RATE = "2/m"
    query = {"lat": 32.98, "lng": 114.02}
    answers = [client.get("/api/stations/nearest", query) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert not answers[0].has_header("Retry-After")
