"""Reading campaigns in the console: the list, 新建阅读活动, a campaign's tracking links and
the page importing a reading platform's counts; each hidden from a sibling subtree."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import Role
from gonghui.audit.models import AuditEvent
from gonghui.core.tabular import write_csv
from gonghui.culture.importers import COUNT_COLUMNS
from gonghui.culture.models import Campaign, ContentItem, ReadingDaily
from gonghui.culture.services import create_campaign
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def campaign(zhumadian_officer):
    return create_campaign(
        by=zhumadian_officer,
        org=Org.objects.get(code="411700"),
        name="悦读新思想",
        starts_on=TODAY - datetime.timedelta(days=10),
        ends_on=TODAY + datetime.timedelta(days=20),
        items=[("劳动者之歌", "https://example.org/song")],
    )


def _form(**changes) -> dict:
    return {
        "org_code": "411702",
        "name": "经典诵读",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
        "items": "劳动者之歌 https://example.org/song\n\n大国工匠　https://example.org/craft",
        **changes,
    }


def test_a_campaign_is_created_with_its_items_one_a_line(client, yicheng_officer):
    client.force_login(yicheng_officer)
    url = reverse("culture:campaign_create")
    assert "新建阅读活动" in client.get(url).content.decode()
    bad = client.post(url, _form(items="劳动者之歌\nhttps://example.org/x"))
    assert bad.status_code == 200 and "第1行须为“篇目标题 原文链接”" in bad.content.decode()
    outside = client.post(url, _form(org_code="410300"))
    assert "不在您的管辖范围内" in outside.content.decode()
    backwards = client.post(url, _form(ends_on=(TODAY - datetime.timedelta(days=1)).isoformat()))
    assert backwards.status_code == 200 and not Campaign.objects.exists()
    done = client.post(url, _form(), follow=True)
    campaign = Campaign.objects.get()
    assert done.redirect_chain[-1][0] == reverse("culture:campaign_detail", args=[campaign.pk])
    assert [(i.title, i.url) for i in ContentItem.objects.order_by("id")] == [
        ("劳动者之歌", "https://example.org/song"),
        ("大国工匠", "https://example.org/craft"),
    ]
    page = done.content.decode()
    craft = ContentItem.objects.get(title="大国工匠")
    assert f"/culture/r/{craft.pk}/411702/" in page  # the officer's own org's tracking link
    assert AuditEvent.objects.filter(object_type="reading_campaign", action="create").exists()
    listing = client.get(reverse("culture:campaigns")).content.decode()
    assert "经典诵读" in listing and reverse("culture:campaign_create") in listing
    assert reverse("culture:campaigns") in client.get(reverse("culture:events")).content.decode()


def test_counts_import_names_row_and_column_then_adds_to_the_totals(
    client, campaign, zhumadian_officer, tmp_path
):
    client.force_login(zhumadian_officer)
    url = reverse("culture:campaign_counts_import", args=[campaign.pk])
    form = client.get(url).content.decode()
    assert "组织代码，日期，阅读次数，转发次数" in form
    assert "/console/fill-in.xlsx?kind=campaign-counts" in form
    late = (TODAY + datetime.timedelta(days=1)).isoformat()
    bad = write_csv(
        tmp_path / "bad.csv",
        COUNT_COLUMNS,
        [["411702", TODAY.isoformat(), 30, 2], ["411702", late, 5, 0], ["410300", TODAY, 1, 0]],
    )
    refused = client.post(url, {"file": SimpleUploadedFile("bad.csv", bad.read_bytes())})
    text = refused.content.decode()
    assert refused.status_code == 400 and "2行有错误，未导入任何数据" in text
    assert '<td class="num">3</td><td>日期</td>' in text
    assert '<td class="num">4</td><td>组织代码</td>' in text
    assert not ReadingDaily.objects.exists()
    good = write_csv(tmp_path / "ok.csv", COUNT_COLUMNS, [["411702", TODAY, 30, 2]])
    done = client.post(url, {"file": SimpleUploadedFile("ok.csv", good.read_bytes())}, follow=True)
    assert "新增1" in done.content.decode()
    assert 'data-figure="reads">30<' in done.content.decode()
    again = client.post(url, {"file": SimpleUploadedFile("ok.csv", good.read_bytes())}, follow=True)
    assert "未变1" in again.content.decode() and ReadingDaily.objects.get().reads == 30
    listing = client.get(reverse("culture:campaigns")).content.decode()
    assert '<td class="num">30</td><td class="num">2</td>' in listing


def test_staff_above_the_campaign_share_the_organisers_links(client, campaign, province_admin):
    client.force_login(province_admin)
    page = client.get(reverse("culture:campaign_detail", args=[campaign.pk])).content.decode()
    item = campaign.items.get()
    assert f"/culture/r/{item.pk}/411700/" in page and "/410000/" not in page


def test_a_sibling_or_a_reader_gets_404_on_every_campaign_page(
    client, campaign, luoyang_officer, staff, tmp_path
):
    client.force_login(luoyang_officer)
    detail = reverse("culture:campaign_detail", args=[campaign.pk])
    counts = reverse("culture:campaign_counts_import", args=[campaign.pk])
    sheet = write_csv(tmp_path / "c.csv", COUNT_COLUMNS, [["411702", TODAY, 9, 0]])
    assert client.get(detail).status_code == 404
    assert client.get(counts).status_code == 404
    posted = client.post(counts, {"file": SimpleUploadedFile("c.csv", sheet.read_bytes())})
    assert posted.status_code == 404 and not ReadingDaily.objects.exists()
    assert "悦读新思想" not in client.get(reverse("culture:campaigns")).content.decode()
    auditor = staff("auditor", "411700", Role.AUDITOR)
    client.force_login(auditor)
    assert client.get(detail).status_code == 200
    for url in (reverse("culture:campaign_create"), counts):
        assert client.get(url).status_code == 404, url
    assert (
        reverse("culture:campaign_create")
        not in client.get(reverse("culture:campaigns")).content.decode()
    )
