"""One object of every scoped model in the 驻马店 subtree, built through the apps' services,
and the people who look at them: the province admin (sees them), a 驻马店 service point's
clerk, a 洛阳 officer and a 洛阳 auditor (must not), a 驻马店 worker and a 洛阳 worker for
the phone pages.

Shared by the route walker (``test_scope_everywhere``); built once per module inside a
transaction that is rolled back at the module's end.
"""

import datetime
import random
from collections.abc import Callable
from types import SimpleNamespace

from django.utils import timezone

from gonghui.accounts.models import Role
from gonghui.accounts.services import create_staff, issue_api_token
from gonghui.core.coords import Crs
from gonghui.core.hours import parse_hours
from gonghui.core.portal import WorkerActor, issue_portal_token
from gonghui.culture.services import (
    add_bookhouse,
    create_campaign,
    plan_event,
    report_held,
    sign_in,
)
from gonghui.culture.services import add_photo as add_event_photo
from gonghui.members.cards import issue_card_token
from gonghui.members.generate import make_id
from gonghui.members.selectors import mask_name
from gonghui.members.services import prepare_worker, save_worker
from gonghui.mutualaid.services import (
    attach_document,
    create_plan,
    enrol_worker,
    file_claim,
    submit_roster,
)
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import org_refs_visible_to
from gonghui.orgs.services import create_grassroots_union
from gonghui.programs.models import Frequency, ProgramKind
from gonghui.programs.services import create_program, create_service_point, record_service
from gonghui.rights.services import WorkerOwed, add_workers, open_case
from gonghui.stations.services import StationFields, save_station
from gonghui.stations.services import add_photo as add_station_photo
from gonghui.stations.tokens import issue_visit_token
from gonghui.training.competitions import (
    award_title,
    create_competition,
    enter_competition,
    record_score,
    set_public_profile,
)
from gonghui.training.funds import add_trainee, create_fund_project
from gonghui.training.models import Channel
from gonghui.training.services import create_class, create_course, enrol
from gonghui.training.tokens import issue_session_token

PASSWORD = "Gonghui-2026!"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(64))
PDF = b"%PDF-1.4\n%%EOF\n"
YEAR = 2026  # the mutual-aid plan's year (fixed dates, as in mutualaid's own tests)


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def id_of(seed: int, region: str = "411702") -> str:
    return make_id(random.Random(seed), region)


def build_world(text: Callable[[str], str] = str) -> SimpleNamespace:
    """Everything the route walker puts in a URL, all of it under 驻马店 (411700).

    ``text`` rewrites the names people type (workers, unions, employers, stations,
    programmes, classes, contests, funds, bookhouses): the export sweep gives them
    formula-like beginnings."""
    today = timezone.localdate()
    w = SimpleNamespace(today=today)

    def staff(username: str, code: str, role: str = Role.OFFICER):
        return create_staff(by=None, username=username, password=PASSWORD, org=org(code), role=role)

    w.admin = staff("scope_province", "410000", Role.PROVINCE_ADMIN)
    w.zhumadian = staff("scope_zhumadian", "411700")
    w.yicheng = staff("scope_yicheng", "411702")
    w.clerk = staff("scope_clerk", "411702", Role.POINT_STAFF)
    w.luoyang = staff("scope_luoyang", "410300")
    w.luoyang_auditor = staff("scope_luoyang_audit", "410300", Role.AUDITOR)
    w.sysadmin = staff("scope_sysadmin", "411700", Role.SYSTEM_ADMIN)
    w.luoyang_sysadmin = staff("scope_luoyang_sys", "410300", Role.SYSTEM_ADMIN)
    w.tokens = {
        u.pk: issue_api_token(user=u, name="scope walker")
        for u in (
            w.admin,
            w.yicheng,
            w.clerk,
            w.luoyang,
            w.luoyang_auditor,
            w.sysadmin,
            w.luoyang_sysadmin,
        )
    }
    w.yicheng_token = w.yicheng.api_tokens.get()

    # members and orgs
    refs = org_refs_visible_to(w.admin)
    w.employer_terms = (text("驻马店市环卫服务有限公司"), make_uscc(random.Random(7)))

    def worker(name: str, code: str, seed: int, employer=None):
        prepared, errors = prepare_worker(
            name=text(name),
            id_number=id_of(seed, code[:6]),
            phone="13800138000",
            org_code=code,
            employer_name=employer[0] if employer else "",
            uscc=employer[1] if employer else "",
            categories="环卫工人",
            joined_on="2020-01-01",
            refs=refs,
        )
        assert not errors, errors
        return save_worker(by=w.admin, prepared=prepared, refs=refs)

    w.worker = worker("张东青", "411702", 1, employer=w.employer_terms)
    w.other_worker = worker("李秀英", "411702", 2)
    w.sibling_worker = worker("王洛阳", "410302", 3)
    w.employer = w.worker.employer
    w.grassroots = create_grassroots_union(
        by=w.admin, county=org("411702"), name=text("驿城区环卫处工会")
    )

    # programmes
    w.program = create_program(
        by=w.admin,
        org=org("411700"),
        name=text("驻马店环卫工人免费早餐"),
        kind=ProgramKind.DAILY,
        frequency=Frequency.DAILY,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=30),
    )
    w.point = create_service_point(
        by=w.admin,
        org=org("411702"),
        name="驿城区早餐服务点",
        programs=[w.program],
        staff=[w.clerk],
    )
    w.record = record_service(
        by=w.admin,
        program=w.program,
        worker=w.other_worker,
        point=w.point,
        served_at=timezone.now() - datetime.timedelta(days=1),
    ).record

    # stations
    w.station = save_station(
        by=w.admin,
        org=org("411702"),
        fields=StationFields(
            name=text("驿城区解放路爱心驿站"),
            address=text("驻马店市驿城区解放路1号"),
            phone="+86 0396-2345678",  # a formula opener in a spreadsheet, as phones are
            lat=32.98,
            lng=114.02,
            crs=Crs.WGS84,
            hours=parse_hours("00:00-24:00"),
            facilities=0,
        ),
    ).station
    w.station_photo = add_station_photo(
        by=w.admin, station=w.station, filename="门口.png", data=PNG
    )

    # mutual aid
    w.plan = create_plan(
        by=w.zhumadian,
        org=org("411700"),
        year=YEAR,
        name="2026年驻马店市职工重大疾病互助保障",
        contribution_fen=5000,
        enrol_opens=datetime.date(2025, 11, 1),
        enrol_closes=datetime.date(2026, 3, 31),
        cover_starts=datetime.date(2026, 1, 1),
        cover_ends=datetime.date(2026, 12, 31),
        annual_cap_fen=6_000_000,
        waiting_days=90,
        benefits={"恶性肿瘤": 5_000_000, "急性心肌梗死": 3_000_000},
    )
    w.aid_enrolment = enrol_worker(
        by=w.yicheng, plan=w.plan, worker=w.worker, paid_on=datetime.date(2026, 1, 1)
    )
    w.claim = file_claim(
        by=w.yicheng,
        enrolment=w.aid_enrolment,
        category="恶性肿瘤",
        diagnosed_on=datetime.date(2026, 5, 10),
        hospital="驻马店市中心医院",
        diagnosis="肺腺癌（T2N0M0）",
        claimed_fen=5_000_000,
    )
    w.document = attach_document(by=w.yicheng, claim=w.claim, filename="诊断证明.pdf", data=PDF)
    w.roster = submit_roster(
        by=w.yicheng,
        plan=w.plan,
        filename="驿城区参保名册.xlsx",
        rows=[(2, w.other_worker, datetime.date(2026, 1, 2))],
    )

    # rights
    w.case = open_case(
        by=w.yicheng,
        org=org("411702"),
        channel="hotline",
        employer_name="驻马店某建筑劳务有限公司",
        employer_uscc=make_uscc(random.Random(3)),
        project="驿城区安置房二期",
        opened_on=datetime.date(2026, 1, 5),
    )
    (w.case_worker,) = add_workers(
        by=w.yicheng, case=w.case, rows=[WorkerOwed(w.worker.pk, 1_200_000)]
    )

    # training
    course = create_course(
        by=w.zhumadian, org=org("411700"), subject="书法", name=text("驻马店硬笔书法入门")
    )
    w.klass = create_class(
        by=w.zhumadian,
        course=course,
        org=None,
        name=text("驿城区硬笔书法周二周四班"),
        teacher=text("王老师"),
        room=text("驻马店文化宫302"),
        weekdays=[1, 2, 3, 4, 5, 6, 7],
        starts_at=datetime.time(19),
        ends_at=datetime.time(20, 30),
        term_starts=today - datetime.timedelta(days=14),
        term_ends=today + datetime.timedelta(days=60),
        capacity=30,
    )
    w.lottery_class = create_class(
        by=w.zhumadian,
        course=course,
        org=org("411702"),
        name="驿城区书法摇号班",
        teacher="王老师",
        room="驿城区职工之家",
        weekdays=[6],
        starts_at=datetime.time(9),
        ends_at=datetime.time(11),
        term_starts=today + datetime.timedelta(days=14),
        term_ends=today + datetime.timedelta(days=60),
        capacity=5,
        lottery=True,
    )
    enrol(by=w.yicheng, klass=w.lottery_class, worker=w.other_worker, channel=Channel.CONSOLE)
    w.session = w.klass.sessions.filter(day=today).first() or w.klass.sessions.first()
    w.training_enrolment = enrol(
        by=w.yicheng, klass=w.klass, worker=w.worker, channel=Channel.CONSOLE
    ).enrolment
    w.competition = create_competition(
        by=w.zhumadian,
        org=org("411700"),
        name=text("驻马店市环卫技能大赛"),
        tier="city",
        trade=text("环卫"),
        held_on=today,
    )
    w.entry = enter_competition(by=w.yicheng, competition=w.competition, worker=w.worker)
    for part in ("theory", "practical"):  # ranked, so the contest's results can be awarded
        record_score(by=w.zhumadian, entry=w.entry, judge="赵评委", part=part, points="88")
    w.title = award_title(
        by=w.yicheng, worker=w.other_worker, title="河南工匠", level="province", year=2025
    )
    set_public_profile(by=WorkerActor(w.other_worker.pk), worker=w.other_worker, public=True)
    w.fund = create_fund_project(
        by=w.yicheng,
        org=org("411702"),
        name=text("驿城区环卫工人学历提升班"),
        kind="diploma",
        employer_name=w.employer_terms[0],
        uscc=w.employer_terms[1],
        provider=text("驻马店职业技术学院"),
        budget_fen=1_000_000,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=600),
    )
    w.trainee = add_trainee(
        by=w.yicheng, project=w.fund, worker=w.worker, channel=Channel.CONSOLE
    ).trainee

    # culture
    w.event = report_held(
        by=w.yicheng,
        event=plan_event(
            by=w.yicheng,
            org=org("411702"),
            kind="lecture",
            title="驿城区劳动法讲座",
            venue="驿城区职工之家",
            starts_at=timezone.now() - datetime.timedelta(days=1),
        ),
        audience=120,
    )
    sign_in(by=w.yicheng, event=w.event, workers=[w.worker], channel="staff")
    w.planned_event = plan_event(
        by=w.yicheng,
        org=org("411702"),
        kind="film",
        title="驿城区露天电影",
        venue="驻马店某村",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
    )
    w.event_photo = add_event_photo(by=w.yicheng, event=w.event, filename="现场.png", data=PNG)
    w.bookhouse = add_bookhouse(
        by=w.yicheng,
        org=org("411702"),
        name=text("驿城区环卫处职工书屋"),
        host_kind="union",
        holdings=2500,
    )
    w.campaign = create_campaign(
        by=w.zhumadian,
        org=org("411700"),
        name="驻马店职工读书月",
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=20),
        items=[("驻马店好书推荐", "https://example.org/books")],
    )
    w.content_item = w.campaign.items.get()

    # links the phone pages and counters take
    w.card_token = issue_card_token(w.worker.pk)
    w.portal_token = issue_portal_token(w.worker.pk)
    w.sibling_portal_token = issue_portal_token(w.sibling_worker.pk)
    w.session_token = issue_session_token(w.session.pk)
    w.visit_token = issue_visit_token(w.station.pk)

    # What the sibling must never see: people first (every page), then the area's own data.
    w.personal = [
        "张东青",
        "李秀英",
        mask_name("张东青"),
        mask_name("李秀英"),
        w.worker.id_masked,
        w.other_worker.id_masked,
    ]
    w.area = [
        "驿城区",
        "驻马店",
        "411700",
        "411702",
        w.grassroots.code,
        "scope_zhumadian",
        "scope_yicheng",
        "scope_clerk",
    ]
    return w
