"""Station photos: JPEG/PNG only (judged by content), encrypted on disk, shown to staff in
scope, and to anyone by a random public id while the station is open."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.accounts.models import Role
from gonghui.audit.models import AuditEvent
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.stations.models import StationPhoto, Status
from gonghui.stations.services import add_photo

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
JPEG = b"\xff\xd8\xff\xe0" + b"JFIF" + bytes(range(64))
PDF = b"%PDF-1.7\n" + bytes(64)


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path
    return tmp_path


@pytest.fixture
def made(station):
    return station("驿城区环卫驿站")


def upload(client, user, station, data, name="门口.png", caption="驿站门口"):
    client.force_login(user)
    return client.post(
        reverse("stations:photo_upload", args=[station.pk]),
        {"photo": SimpleUploadedFile(name, data), "caption": caption},
        follow=True,
    )


def test_staff_upload_a_png_shown_on_the_detail_page_and_stored_encrypted(
    client, made, zhumadian_officer, uploads
):
    page = upload(client, zhumadian_officer, made, PNG).content.decode()
    photo = StationPhoto.objects.get()
    assert "已上传照片" in page and reverse("stations:photo", args=[photo.pk]) in page
    assert (photo.content_type, photo.caption, photo.size) == ("image/png", "驿站门口", len(PNG))
    on_disk = (uploads / photo.stored_as).read_bytes()
    assert PNG not in on_disk and b"IHDR" not in on_disk
    served = client.get(reverse("stations:photo", args=[photo.pk]))
    assert served.content == PNG and served["Content-Type"] == "image/png"
    assert served["Content-Security-Policy"] == "default-src 'none'"
    assert AuditEvent.objects.filter(action="upload", object_type="station").exists()


@pytest.mark.parametrize(
    "data,name", [(PDF, "照片.jpg"), (b"MZ\x90\x00 not a picture", "门口.png"), (b"", "空.png")]
)
def test_anything_but_a_jpeg_or_png_is_refused_by_its_content(
    client, made, zhumadian_officer, uploads, data, name
):
    page = upload(client, zhumadian_officer, made, data, name=name).content.decode()
    assert "只接受JPEG、PNG照片" in page or "文件是空的" in page
    assert not StationPhoto.objects.exists() and not any(uploads.rglob("*.enc"))


def test_public_id_serves_the_photo_of_an_open_station_only(client, made, province_admin):
    photo = add_photo(by=province_admin, station=made, filename="a.jpg", data=JPEG)
    assert len(photo.public_id) >= 20
    public = reverse("stations:m_photo", args=[photo.public_id])
    served = client.get(public)  # no login
    assert served.status_code == 200 and served.content == JPEG
    page = client.get(reverse("stations:m_station", args=[made.pk])).content.decode()
    assert public in page and made.name in page
    made.status = Status.SUSPENDED
    made.save()
    assert client.get(public).status_code == 404
    assert client.get(reverse("stations:m_station", args=[made.pk])).status_code == 404
    assert client.get(reverse("stations:m_photo", args=["guessed-id"])).status_code == 404
    assert client.get(reverse("stations:photo", args=[photo.pk])).status_code == 302  # login


def test_staff_in_scope_still_see_the_photo_of_a_suspended_station(
    client, station, province_admin, yicheng_officer
):
    suspended = station("暂停的驿站", status=Status.SUSPENDED)
    photo = add_photo(by=province_admin, station=suspended, filename="a.png", data=PNG)
    client.force_login(yicheng_officer)
    assert client.get(reverse("stations:photo", args=[photo.pk])).content == PNG


def test_a_sibling_city_gets_nothing(client, made, province_admin, luoyang_officer):
    photo = add_photo(by=province_admin, station=made, filename="a.png", data=PNG)
    client.force_login(luoyang_officer)
    assert client.get(reverse("stations:photo", args=[photo.pk])).status_code == 404
    assert upload(client, luoyang_officer, made, PNG).status_code == 404
    removing = client.post(reverse("stations:photo_remove", args=[photo.pk]))
    assert removing.status_code == 404
    assert StationPhoto.objects.count() == 1
    with pytest.raises(PermissionDenied):
        add_photo(by=luoyang_officer, station=made, filename="b.png", data=PNG)


def test_an_auditor_sees_photos_but_cannot_add_or_remove(client, made, province_admin, staff):
    auditor = staff("shenji", "411700", Role.AUDITOR)
    photo = add_photo(by=province_admin, station=made, filename="a.png", data=PNG)
    client.force_login(auditor)
    assert client.get(reverse("stations:photo", args=[photo.pk])).content == PNG
    assert upload(client, auditor, made, PNG).status_code == 404
    assert client.post(reverse("stations:photo_remove", args=[photo.pk])).status_code == 404
    assert StationPhoto.objects.count() == 1


def test_removing_a_photo_deletes_its_file(
    client, made, zhumadian_officer, uploads, django_capture_on_commit_callbacks
):
    upload(client, zhumadian_officer, made, PNG)
    photo = StationPhoto.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("stations:photo_remove", args=[photo.pk]))
    assert not StationPhoto.objects.exists()
    assert not (uploads / photo.stored_as).exists()


def test_the_service_names_the_file_it_refuses(made, province_admin):
    with pytest.raises(DomainError, match="报告.pdf：只接受JPEG、PNG照片"):
        add_photo(by=province_admin, station=made, filename="报告.pdf", data=PDF)
