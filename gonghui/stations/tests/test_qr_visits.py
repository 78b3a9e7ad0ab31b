"""A worker records a visit by scanning the station's own QR code on their phone, identified
by the portal link the union gave them: one visit per worker per station per clock hour,
counted in the day's person-times in the same transaction."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.core.portal import issue_portal_token
from gonghui.stations.models import StationDaily, Status, Visit, VisitChannel
from gonghui.stations.services import VisitRefused, record_visit, record_worker_visit
from gonghui.stations.tokens import issue_visit_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(station):
    return station("驿城区环卫驿站")


@pytest.fixture
def phone(client, make_worker):
    """A worker's phone that has opened the worker's portal link."""
    worker = make_worker("张东青")
    client.get(reverse("training:m_enter", args=[issue_portal_token(worker.pk)]))
    client.worker = worker
    return client


def visit_url(station) -> str:
    return reverse("stations:m_visit", args=[issue_visit_token(station.pk)])


def test_the_detail_page_shows_the_stations_qr_code_of_its_visit_link(
    client, made, yicheng_officer
):
    client.force_login(yicheng_officer)
    page = client.get(reverse("stations:detail", args=[made.pk])).content.decode()
    assert 'id="visit-qr"' in page and "<svg" in page
    png = client.get(reverse("stations:qr", args=[made.pk]))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")


def test_scanning_records_one_visit_and_the_days_person_times(phone, made):
    answer = phone.get(visit_url(made))
    assert answer.status_code == 200 and "本次到访已登记" in answer.content.decode()
    visit = Visit.objects.get()
    assert (visit.worker, visit.channel, visit.count) == (phone.worker, VisitChannel.STATION_QR, 1)
    assert visit.recorded_by is None
    assert StationDaily.objects.get(station=made).person_times == 1
    event = AuditEvent.objects.get(action="visit")
    assert event.actor_name == f"职工#{phone.worker.pk}" and event.actor is None


def test_a_second_scan_in_the_same_hour_is_refused_by_the_database(phone, made):
    phone.get(visit_url(made))
    again = phone.get(visit_url(made))
    assert again.status_code == 409 and "本小时内已" in again.content.decode()
    assert Visit.objects.count() == 1
    assert StationDaily.objects.get(station=made).person_times == 1


def test_the_next_hour_counts_again_and_staff_card_scans_share_the_hour(
    made, make_worker, yicheng_officer
):
    worker = make_worker()
    now = timezone.now()
    earlier = now - datetime.timedelta(hours=1)
    record_worker_visit(worker_id=worker.pk, station=made, at=earlier)
    record_worker_visit(worker_id=worker.pk, station=made, at=now)
    with pytest.raises(VisitRefused) as refused:
        record_visit(by=yicheng_officer, station=made, worker=worker, at=now)
    assert refused.value.code == "already_visited"
    assert Visit.objects.count() == 2
    assert sum(StationDaily.objects.values_list("person_times", flat=True)) == 2


def test_without_the_portal_link_nothing_is_recorded(client, made):
    answer = client.get(visit_url(made))
    assert answer.status_code == 403 and "请先打开工会发给您的职工链接" in answer.content.decode()
    assert not Visit.objects.exists()


def test_a_forged_or_altered_code_is_refused(phone, made, station):
    other = station("另一个驿站", lat=32.99)
    forged = issue_visit_token(made.pk).replace(f"{made.pk}:", f"{other.pk}:")
    for token in (forged, str(made.pk), "x"):
        answer = phone.get(reverse("stations:m_visit", args=[token]))
        assert answer.status_code == 404 and "无法识别的驿站二维码" in answer.content.decode()
    assert not Visit.objects.exists()


def test_a_suspended_station_records_no_visit(phone, station):
    suspended = station("暂停的驿站", status=Status.SUSPENDED)
    answer = phone.get(visit_url(suspended))
    assert answer.status_code == 409 and "当前暂停" in answer.content.decode()
    assert not Visit.objects.exists()


def test_a_sibling_city_gets_no_qr_code(client, made, luoyang_officer):
    client.force_login(luoyang_officer)
    assert client.get(reverse("stations:qr", args=[made.pk])).status_code == 404
    assert client.get(reverse("stations:detail", args=[made.pk])).status_code == 404
