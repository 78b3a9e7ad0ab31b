"""The wage-case console: open, import a roster (a bad file changes nothing), step, recover,
transfer, overdue flag, figures; a sibling subtree sees nothing."""

import datetime

import pytest
from django.utils import timezone

from gonghui.core.audited import service_writes
from gonghui.core.tabular import write_csv
from gonghui.members.services import reveal_id_number
from gonghui.rights.importers import WORKER_COLUMNS
from gonghui.rights.models import CaseWorker, Recovery, WageCase
from gonghui.rights.tests.conftest import USCC
from gonghui.tests.answers import visible_text
from gonghui.tests.figures import page_tables

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened_by_page(client, yicheng_officer):
    client.force_login(yicheng_officer)
    answer = client.post(
        "/rights/new/",
        {
            "org_code": "411702",
            "channel": "walk_in",
            "opened_on": "2026-02-01",
            "employer_name": "驿城区某物流公司",
            "employer_uscc": USCC,
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    return WageCase.objects.get()


def upload(client, case, kind, path):
    with path.open("rb") as handle:
        return client.post(f"/rights/{case.pk}/import/{kind}/", {"file": handle})


def test_a_case_worked_from_the_console(
    client, opened_by_page, make_worker, yicheng_officer, recorder, tmp_path
):
    case = opened_by_page
    zhang = make_worker("张东青")
    number = reveal_id_number(by=yicheng_officer, worker=zhang)
    bad = write_csv(
        tmp_path / "bad.csv", WORKER_COLUMNS, [["张东青", number, "5000"], ["李四", "123", "1"]]
    )
    refused = upload(client, case, "workers", bad)
    assert refused.status_code == 400 and "第3行【身份证号】" in refused.content.decode()
    assert CaseWorker.objects.count() == 0
    good = write_csv(tmp_path / "good.csv", WORKER_COLUMNS, [["张东青", number, "5000"]])
    assert upload(client, case, "workers", good).status_code == 302
    line = CaseWorker.objects.get()
    client.post(f"/rights/{case.pk}/action/", {"action": "investigate"})
    instalment = {
        "case_worker": line.pk,
        "wages": "3000.50",
        "compensation": "",
        "recovered_on": "2026-02-10",
    }
    client.post(f"/rights/{case.pk}/recovery/", instalment)
    assert not Recovery.objects.exists()  # four eyes: not by the officer who took it in
    client.force_login(recorder)
    client.post(f"/rights/{case.pk}/recovery/", instalment)
    assert Recovery.objects.get().wages_fen == 300_050
    client.force_login(yicheng_officer)
    client.post(f"/rights/{case.pk}/action/", {"action": "close", "reason": "余款无法追回"})
    page = client.get(f"/rights/{case.pk}/").content.decode()
    assert "部分追回" in page and "张*青" in page and "张东青" not in page and number not in page
    assert "3,000.50" in page
    (figures,) = page_tables(client.get("/rights/figures/?year=2026").content.decode())
    # the county handles the case itself: its 本级 row, and the total
    for row in ("411702", ""):
        assert (figures[row]["rights.wages"], figures[row]["rights.workers"]) == ("3,000.50", "1")
    text = visible_text(client.get(f"/rights/{case.pk}/export.xlsx"))
    assert "张*青" in text and number not in text


def test_overdue_cases_are_flagged_on_the_officers_list(client, opened_by_page, settings):
    settings.RIGHTS_OVERDUE_DAYS = 7
    with service_writes():  # eight days on
        WageCase.objects.update(last_progress_at=timezone.now() - datetime.timedelta(days=8))
    page = client.get("/rights/").content.decode()
    assert 'id="overdue-flag"' in page and "1 件案件" in page and "逾期" in page
    assert (
        f'data-case="{opened_by_page.pk}"' in client.get("/rights/?state=overdue").content.decode()
    )


def test_a_transferred_case_is_read_only_for_the_sender(client, opened_by_page, staff):
    case = opened_by_page
    client.post(f"/rights/{case.pk}/transfer/", {"to_org": "411721", "reason": "用工地在西平县"})
    page = client.get(f"/rights/{case.pk}/").content.decode()
    assert "您只能查看" in page and 'id="actions"' not in page
    client.force_login(staff("xiping", "411721"))
    assert 'id="actions"' in client.get(f"/rights/{case.pk}/").content.decode()


def test_the_transfer_picker_takes_initials_and_lists_candidates_when_several_fit(
    client, opened_by_page
):
    case = opened_by_page
    page = client.get(f"/rights/{case.pk}/").content.decode()
    assert '"among": "hand_over"' in page  # the picker offers the orgs a case may go to
    answer = client.post(
        f"/rights/{case.pk}/transfer/", {"to_org": "县", "reason": "用工地"}, follow=True
    )
    assert (
        "对应多个组织" in answer.content.decode()
        and "西平县总工会（411721）" in answer.content.decode()
    )
    case.refresh_from_db()
    assert case.org.code == "411702"
    client.post(f"/rights/{case.pk}/transfer/", {"to_org": "xpx", "reason": "用工地在西平县"})
    case.refresh_from_db()
    assert case.org.code == "411721"


def test_a_sibling_officer_gets_404_from_every_case_page(client, opened_by_page, luoyang_officer):
    case = opened_by_page
    client.force_login(luoyang_officer)
    for url in (f"/rights/{case.pk}/", f"/rights/{case.pk}/export.xlsx"):
        assert client.get(url).status_code == 404, url
    for tail in ("action/", "import/workers/", "recovery/", "transfer/", "reveal/"):
        assert (
            client.post(f"/rights/{case.pk}/{tail}", {"action": "investigate"}).status_code == 404
        )
    for url in (
        "/rights/?state=all",
        "/rights/?state=overdue",
        "/rights/figures/?year=2026",
        "/rights/figures/export.xlsx?year=2026",
    ):
        text = visible_text(client.get(url))
        assert "驿城区" not in text and "物流" not in text, url
    assert client.get("/rights/figures/?org=411702").status_code == 404
    assert WageCase.objects.get(pk=case.pk).state == "accepted"
