"""A worker's whole story on the worker page, in a real browser (Debian's chromium): one
驿城区 worker with a record in every app, each made through the app's own services (the
mutual-aid claim filed, approved and paid by three different people), and the county
officer opening the worker's page sees a line from each app, money in 元."""

import datetime
import os

import pytest
from django.test import override_settings
from django.utils import timezone

from conftest import log_in
from gonghui.accounts.models import Role
from gonghui.accounts.services import create_staff
from gonghui.mutualaid.services import approve_claim, move_claim, pay_claim
from gonghui.programs.models import Frequency, ProgramKind
from gonghui.programs.services import create_program, record_service
from gonghui.rights.services import Instalment, record_recoveries
from gonghui.stations.services import record_visit
from gonghui.tests.scope_world import PASSWORD, build_world, org
from gonghui.training.models import Channel
from gonghui.training.services import issue_certificate, record_attendance

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# fixtures here are ordinary blocking calls, not made from a coroutine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(transactional_db, tmp_path):
    """Built before the browser starts (see gonghui/tests/test_browser.py for why): the
    scope world's 张东青, given what it lacks — a breakfast, a gifted policy, a paid claim,
    money recovered, a certificate and a station visit."""
    with override_settings(UPLOAD_DIR=tmp_path, STATION_INDEX_RECHECK=0):
        w = build_world()
    worker, today = w.worker, w.today
    record_service(by=w.admin, program=w.program, worker=worker, point=w.point)
    policy = create_program(
        by=w.admin,
        org=org("411700"),
        name="驻马店环卫工人意外伤害险",
        kind=ProgramKind.POLICY,
        frequency=Frequency.YEARLY,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
    )
    record_service(by=w.admin, program=policy, worker=worker)
    reviewer, payer = (
        create_staff(by=None, username=name, password=PASSWORD, org=org(code), role=role)
        for name, code, role in (
            ("story_reviewer", "411700", Role.REVIEWER),
            ("story_payer", "411702", Role.OFFICER),
        )
    )
    for action in ("submit", "check"):
        move_claim(by=w.yicheng, claim=w.claim, action=action)
    approve_claim(by=reviewer, claim=w.claim, amount_fen=2_000_000, reason="材料所限")
    pay_claim(by=payer, claim=w.claim)
    record_recoveries(
        by=w.zhumadian,
        case=w.case,
        items=[Instalment(w.case_worker.pk, 800_000, 50_000, today)],
    )
    for session in w.klass.sessions.filter(day__lte=today):
        record_attendance(by=w.zhumadian, session=session, worker=worker, channel=Channel.CONSOLE)
    w.klass.certificate_sessions = 1
    w.klass.save(update_fields=["certificate_sessions"])
    certified = issue_certificate(by=w.zhumadian, enrolment=w.training_enrolment)
    record_visit(by=w.admin, station=w.station, worker=worker, at=timezone.now())
    w.certificate_no = certified.certificate_no
    return w


def test_the_county_officer_reads_the_workers_story_from_every_app(
    live_server, story, console_page
):
    page = console_page
    page.goto(f"{live_server.url}/workers/{story.worker.pk}/")
    log_in(page, "scope_yicheng")
    page.wait_for_url(f"**/workers/{story.worker.pk}/")
    page.wait_for_selector("#story [data-module]")
    page.step("职工页面")
    text = page.locator("#story").inner_text()
    for line in (
        "驻马店环卫工人免费早餐（驿城区早餐服务点）1次",  # 普惠服务
        "驻马店环卫工人意外伤害险1次",  # the gifted policy
        "参加2026年驻马店市职工重大疾病互助保障（2026年度，缴费50.00元）",
        "互助金申请20,000.00元，已发放",  # four eyes: filed, approved, paid by three people
        "欠薪12,000.00元",
        "追回工资8,000.00元、赔偿金500.00元",
        f"结业证书{story.certificate_no}",
        "参加技能竞赛“驻马店市环卫技能大赛”",
        "参加活动“驿城区劳动法讲座”",
        "到访驿城区解放路爱心驿站",
    ):
        assert line in text, line
    modules = set(
        page.locator("#story [data-module]").evaluate_all(
            "(nodes) => nodes.map((n) => n.dataset.module)"
        )
    )
    assert modules == {"普惠服务", "互助保障", "欠薪维权", "技能素质", "文化服务", "户外劳动者服务"}
    assert "2000000" not in text and "1200000" not in text  # never fen
    page.click("#story >> text=到访驿城区解放路爱心驿站")
    page.wait_for_url(f"**/stations/{story.station.pk}/")
    page.step("点开驿站")


def test_a_sibling_officer_gets_404_for_the_worker_and_the_story(client, story):
    client.force_login(story.luoyang)
    assert client.get(f"/workers/{story.worker.pk}/").status_code == 404
    assert client.get(f"/console/workers/{story.worker.pk}/story/").status_code == 404
