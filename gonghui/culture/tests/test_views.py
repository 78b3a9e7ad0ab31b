"""Event detail (attendees, photos), bookhouse pages and export, and the scope of each."""

import datetime
import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.audit.models import AuditEvent
from gonghui.core.tabular import write_csv
from gonghui.culture.importers import ATTENDEE_COLUMNS, VISIT_COLUMNS
from gonghui.culture.models import Bookhouse, BookhouseMonth, EventAttendee, EventPhoto
from gonghui.culture.rollups import ROLLUPS
from gonghui.culture.services import add_bookhouse, add_photo, plan_event, report_held, sign_in
from gonghui.members.generate import make_id
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture(autouse=True)
def rollup_agrees_after_every_scenario():
    yield
    assert ROLLUPS.differences() == []


def id_of(seed: int, region: str = "411702") -> str:
    return make_id(random.Random(seed), region)


@pytest.fixture
def held(yicheng_officer):
    event = plan_event(
        by=yicheng_officer,
        org=Org.objects.get(code="411702"),
        kind="lecture",
        title="劳动法讲座",
        venue="驿城区职工之家",
        starts_at=timezone.now() - datetime.timedelta(days=1),
    )
    return report_held(by=yicheng_officer, event=event, audience=120)


@pytest.fixture
def bookhouse(yicheng_officer):
    return add_bookhouse(
        by=yicheng_officer,
        org=Org.objects.get(code="411702"),
        name="环卫处职工书屋",
        host_kind="union",
        level="city",
        level_year=2021,
        holdings=2500,
        opening_hours="周一至周五 08:30-18:00；周末 休息",
    )


def test_event_page_signs_workers_in_from_a_list_and_shows_them_masked(
    client, held, yicheng_officer, make_worker
):
    zhang = make_worker("张东青", id_number=id_of(1))
    make_worker("李秀英", id_number=id_of(2))
    client.force_login(yicheng_officer)
    url = reverse("culture:event_sign_in", args=[held.pk])
    bad = client.post(url, {"id_numbers": f"{id_of(1)}\n\n41170219900101123"})
    assert bad.status_code == 400 and "第3行" in bad.content.decode()
    assert not EventAttendee.objects.exists()
    done = client.post(url, {"id_numbers": f"{id_of(1)}\n{id_of(2)}\n{id_of(1)}"}, follow=True)
    assert "新签到2人" in done.content.decode()
    again = client.post(url, {"id_numbers": id_of(1)}, follow=True)
    assert "新签到0人，此前已签到1人" in again.content.decode()
    body = client.get(reverse("culture:event_detail", args=[held.pk])).content.decode()
    assert "张*青" in body and "张东青" not in body and zhang.id_masked in body
    assert id_of(1) not in body
    assert 'data-figure="attendees">2人' in body and 'data-figure="audience">120' in body


def test_sign_in_waits_for_the_event_to_be_reported_held(client, yicheng_officer, make_worker):
    make_worker("张东青", id_number=id_of(1))
    planned = plan_event(
        by=yicheng_officer,
        org=Org.objects.get(code="411702"),
        kind="film",
        title="露天电影",
        venue="某村",
        starts_at=timezone.now(),
    )
    client.force_login(yicheng_officer)
    answer = client.post(
        reverse("culture:event_sign_in", args=[planned.pk]), {"id_numbers": id_of(1)}
    )
    assert answer.status_code == 400 and "请先将活动登记为已举办" in answer.content.decode()
    assert not EventAttendee.objects.exists()
    held = client.post(
        reverse("culture:event_held", args=[planned.pk]), {"audience": "80", "next": "detail"}
    )
    assert held["Location"] == reverse("culture:event_detail", args=[planned.pk])
    client.post(reverse("culture:event_sign_in", args=[planned.pk]), {"id_numbers": id_of(1)})
    assert EventAttendee.objects.get().event_id == planned.pk


def test_sign_in_sheet_upload_reports_rows_and_imports_nothing_when_one_is_bad(
    client, held, yicheng_officer, make_worker, tmp_path
):
    make_worker("张东青", id_number=id_of(1))
    path = write_csv(
        tmp_path / "签到.csv", ATTENDEE_COLUMNS, [[id_of(1), "张东青"], [id_of(3), "无此人"]]
    )
    client.force_login(yicheng_officer)
    url = reverse("culture:event_attendees_import", args=[held.pk])
    answer = client.post(url, {"file": SimpleUploadedFile("签到.csv", path.read_bytes())})
    body = answer.content.decode()
    assert answer.status_code == 400 and "第3行【身份证号】" in body and "签到.csv" in body
    assert not EventAttendee.objects.exists()
    good = write_csv(tmp_path / "ok.csv", ATTENDEE_COLUMNS, [[id_of(1), "张东青"]])
    done = client.post(url, {"file": SimpleUploadedFile("ok.csv", good.read_bytes())}, follow=True)
    assert "导入完成" in done.content.decode() and EventAttendee.objects.count() == 1


def test_photos_are_judged_by_content_stored_encrypted_and_served_in_scope(
    client, held, yicheng_officer, settings
):
    client.force_login(yicheng_officer)
    url = reverse("culture:event_photo_upload", args=[held.pk])
    for name, data in (("舞台.jpg", b"MZ\x90\x00 not an image"), ("节目单.png", b"%PDF-1.7 x")):
        refused = client.post(url, {"photo": SimpleUploadedFile(name, data)})
        assert refused.status_code == 400
        assert "只接受JPEG、PNG照片" in refused.content.decode()
    assert not EventPhoto.objects.exists()
    assert client.post(url, {"photo": SimpleUploadedFile("现场.png", PNG)}).status_code == 302
    photo = EventPhoto.objects.get()
    stored = (settings.UPLOAD_DIR / photo.stored_as).read_bytes()
    assert PNG not in stored and photo.content_type == "image/png"
    served = client.get(reverse("culture:event_photo", args=[photo.pk]))
    assert served.status_code == 200 and served.content == PNG
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
    body = client.get(reverse("culture:event_detail", args=[held.pk])).content.decode()
    assert reverse("culture:event_photo", args=[photo.pk]) in body
    assert AuditEvent.objects.filter(action="upload", object_type="culture_event").exists()


def test_bookhouse_page_edit_and_monthly_visits(client, bookhouse, yicheng_officer):
    client.force_login(yicheng_officer)
    detail = reverse("culture:bookhouse_detail", args=[bookhouse.pk])
    assert "周一至周五 08:30-18:00；周六、周日 休息" in client.get(detail).content.decode()
    edit = reverse("culture:bookhouse_edit", args=[bookhouse.pk])
    fields = {
        "name": "环卫处职工书屋",
        "host_kind": "union",
        "level": "province",
        "level_year": "2024",
        "holdings": "3200",
        "ebooks": "800",
        "periodicals": "40",
        "opening_hours": "周一至周五 9:00-17:00",
    }
    bad = client.post(edit, {**fields, "opening_hours": "白天开放"})
    assert bad.status_code == 200 and "开放时间“白天开放”" in bad.content.decode()
    assert client.post(edit, fields).status_code == 302
    bookhouse.refresh_from_db()
    assert (bookhouse.level, bookhouse.holdings, bookhouse.ebooks) == ("province", 3200, 800)
    assert bookhouse.opening_hours == "周一至周五 09:00-17:00；周六、周日 休息"
    change = AuditEvent.objects.filter(object_type="bookhouse", action="update").get()
    assert change.before["holdings"] == 2500 and change.after["holdings"] == 3200
    visits = reverse("culture:bookhouse_visits", args=[bookhouse.pk])
    assert client.post(visits, {"month": "2025-03", "visits": "150"}).status_code == 302
    assert client.post(visits, {"month": "2025-03", "visits": "180"}).status_code == 302
    refused = client.post(visits, {"month": "2025-13", "visits": "1"})
    assert refused.status_code == 400 and "不是有效月份" in refused.content.decode()
    assert list(BookhouseMonth.objects.values_list("month", "visits")) == [
        (datetime.date(2025, 3, 1), 180)
    ]
    page = client.get(detail).content.decode()
    assert "2025年3月" in page and 'data-figure="visits">180' in page


def test_bookhouse_export_has_level_year_holdings_and_the_years_visits(
    client, bookhouse, yicheng_officer, luoyang_officer
):
    BookhouseMonth.objects.create(
        bookhouse=bookhouse, org_path=bookhouse.org_path, month=datetime.date(2025, 5, 1), visits=90
    )
    BookhouseMonth.objects.create(
        bookhouse=bookhouse, org_path=bookhouse.org_path, month=datetime.date(2024, 5, 1), visits=7
    )
    client.force_login(yicheng_officer)
    answer = client.get(reverse("culture:bookhouse_export") + "?year=2025")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.values)
    assert (
        rows[0][4:7] == ("示范级别", "命名年份", "藏书（册）") and rows[0][-1] == "2025年读者人次"
    )
    assert rows[1][0] == "环卫处职工书屋" and rows[1][4:7] == ("市级示范点", 2021, 2500)
    assert rows[1][-1] == 90
    client.force_login(luoyang_officer)
    theirs = load_workbook(io.BytesIO(client.get(reverse("culture:bookhouse_export")).content))
    assert list(theirs.active.values)[1:] == []


def test_visits_upload_on_the_list_page(client, bookhouse, yicheng_officer, tmp_path):
    client.force_login(yicheng_officer)
    url = reverse("culture:bookhouse_visits_import")
    bad = write_csv(tmp_path / "v.csv", VISIT_COLUMNS, [["环卫处职工书屋", "411702", "3月", 5]])
    answer = client.post(url, {"file": SimpleUploadedFile("v.csv", bad.read_bytes())})
    assert answer.status_code == 400 and "第2行【月份】" in answer.content.decode()
    good = write_csv(
        tmp_path / "ok.csv", VISIT_COLUMNS, [["环卫处职工书屋", "411702", "2025-03", 5]]
    )
    done = client.post(url, {"file": SimpleUploadedFile("ok.csv", good.read_bytes())}, follow=True)
    assert "新增1" in done.content.decode() and BookhouseMonth.objects.get().visits == 5


def test_a_sibling_org_gets_404_or_nothing_on_every_new_page_and_endpoint(
    client, held, bookhouse, yicheng_officer, luoyang_officer, make_worker, tmp_path
):
    make_worker("张东青", id_number=id_of(1))
    worker_list = [make_worker("李秀英", id_number=id_of(2))]
    sign_in(by=yicheng_officer, event=held, workers=worker_list, channel="staff")
    photo = add_photo(by=yicheng_officer, event=held, filename="a.jpg", data=JPEG)
    sheet = write_csv(tmp_path / "s.csv", ATTENDEE_COLUMNS, [[id_of(1), "张东青"]]).read_bytes()
    client.force_login(luoyang_officer)
    gets = [
        reverse("culture:event_detail", args=[held.pk]),
        reverse("culture:event_photo", args=[photo.pk]),
        reverse("culture:bookhouse_detail", args=[bookhouse.pk]),
        reverse("culture:bookhouse_edit", args=[bookhouse.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        (reverse("culture:event_sign_in", args=[held.pk]), {"id_numbers": id_of(1)}),
        (
            reverse("culture:event_attendees_import", args=[held.pk]),
            {"file": SimpleUploadedFile("s.csv", sheet)},
        ),
        (
            reverse("culture:event_photo_upload", args=[held.pk]),
            {"photo": SimpleUploadedFile("b.png", PNG)},
        ),
        (reverse("culture:bookhouse_edit", args=[bookhouse.pk]), {"name": "改名"}),
        (
            reverse("culture:bookhouse_visits", args=[bookhouse.pk]),
            {"month": "2025-01", "visits": "9"},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    listing = client.get(reverse("culture:bookhouses")).content.decode()
    assert "环卫处职工书屋" not in listing
    visits = write_csv(
        tmp_path / "v.csv", VISIT_COLUMNS, [["环卫处职工书屋", "411702", "2025-01", 9]]
    )
    refused = client.post(
        reverse("culture:bookhouse_visits_import"),
        {"file": SimpleUploadedFile("v.csv", visits.read_bytes())},
    )
    assert refused.status_code == 400 and "不在您的管辖范围内" in refused.content.decode()
    assert EventAttendee.objects.count() == 1 and EventPhoto.objects.count() == 1
    assert not BookhouseMonth.objects.exists()
    assert Bookhouse.objects.get().name == "环卫处职工书屋"
    assert (
        client.get(reverse("culture:figures") + "?org=411702&year=2025&month=1").status_code == 404
    )
