"""The programs console pages through the client: figures by scope, drill-down, export,
set-up forms, the check-in page and the worker card."""

import datetime
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.accounts.models import Role
from gonghui.audit.models import AuditEvent
from gonghui.members.cards import issue_card_token, read_card_token
from gonghui.members.categories import BY_NAME
from gonghui.programs.budget import spent_fen
from gonghui.programs.models import Frequency, Program, ServicePoint, ServiceRecord
from gonghui.programs.services import record_service

pytestmark = pytest.mark.django_db

SANITATION = BY_NAME["环卫工人"].bit
# Session, user, the user's org, the paginator's count, the page of programs (with their
# orgs), one grouped sum of the daily rollup, one grouped distinct count: none per row.
LIST_QUERIES = 7
ZHUMADIAN_WORDS = ("驻马店", "驿城区", "西平县", "张*青", "李*英")


def login(client, user):
    client.force_login(user)
    return client


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def world(program, point, staff, make_worker, province_admin):
    """A province breakfast served in 驿城区, 西平县 (驻马店) and 洛龙区 (洛阳), and a
    驻马店-run health check.

    张东青 eats twice in 驿城区 and once in 西平县 (one person for 驻马店, three
    person-times); 李桂英 once in 驿城区; 王洛阳 once in 洛龙区. 5 yuan a breakfast.
    """
    breakfast = program(
        "环卫工人免费早餐", categories=SANITATION, unit_cost_fen=500, budget_fen=100_000
    )
    checkup = program(
        "驻马店货车司机体检",
        org="411700",
        kind="one_off",
        frequency=Frequency.ONCE,
        unit_cost_fen=20_000,
    )
    clerk = staff("shop_clerk", "411702", Role.POINT_STAFF)
    yicheng = point("驿城区早餐店", org="411702", programs=[breakfast], staff=[clerk])
    xiping = point("西平县早餐店", org="411721", programs=[breakfast])
    luolong = point("洛龙区早餐店", org="410311", programs=[breakfast])
    hospital = point("驿城区医院", org="411702", programs=[checkup])
    zhang = make_worker("张东青", org="411702")
    li = make_worker("李桂英", org="411702")
    wang = make_worker("王洛阳", org="410311")
    now = timezone.now()
    days = [now - datetime.timedelta(days=n) for n in (2, 1, 0)]
    for when, desk, who in [
        (days[0], yicheng, zhang),
        (days[1], yicheng, zhang),
        (days[2], xiping, zhang),
        (days[2], yicheng, li),
        (days[2], luolong, wang),
    ]:
        record_service(by=province_admin, program=breakfast, worker=who, point=desk, served_at=when)
    record_service(by=province_admin, program=checkup, worker=zhang, point=hospital)
    return SimpleNamespace(
        breakfast=breakfast,
        checkup=checkup,
        clerk=clerk,
        yicheng=yicheng,
        xiping=xiping,
        luolong=luolong,
        hospital=hospital,
        zhang=zhang,
        li=li,
        wang=wang,
        days=days,
    )


def list_row(response, program) -> dict:
    row = next(r for r in response.context["rows"] if r["program"].pk == program.pk)
    return {
        "persons": row["persons"].n,
        "person_times": row["person_times"].n,
        "amount": row["amount"].yuan,
        "budget_left": row["budget_left"].yuan if row["budget_left"] else None,
    }


def headline(response) -> tuple[int, int, int]:
    figures = response.context["figures"]
    return figures.persons, figures.person_times, figures.amount_fen


def children(response) -> dict[str, tuple[int, int]]:
    return {c.org.code: (c.persons, c.person_times) for c in response.context["figures"].children}


def detail(client, program, org=None):
    params = {"org": org} if org else {}
    return client.get(reverse("programs:detail", args=[program.pk]), params)


def exported(client, program, org=None) -> dict[str, list[tuple]]:
    params = {"org": org} if org else {}
    response = client.get(reverse("programs:export", args=[program.pk]), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book}


# --- who sees which figures ---------------------------------------------------------------


def test_province_admin_sees_every_program_and_the_whole_province(client, world, province_admin):
    login(client, province_admin)
    response = client.get(reverse("programs:list"))
    assert response.status_code == 200
    assert list_row(response, world.breakfast) == {
        "persons": 3,
        "person_times": 5,
        "amount": "25.00",
        "budget_left": "975.00",
    }
    assert list_row(response, world.checkup)["person_times"] == 1
    assert "驻马店货车司机体检" in text_of(response)

    page = detail(client, world.breakfast)
    assert headline(page) == (3, 5, 2500)
    # 张东青 in two counties of 驻马店 is one person there, and once in the province.
    assert children(page) == {"411700": (2, 4), "410300": (1, 1)}
    assert [(d["day"], d["person_times"]) for d in page.context["days"]] == [
        (timezone.localdate(world.days[2]), 3),
        (timezone.localdate(world.days[1]), 1),
        (timezone.localdate(world.days[0]), 1),
    ]
    assert page.context["budget_left"].yuan == "975.00"
    html = text_of(page)
    assert f'href="/programs/{world.breakfast.pk}/?org=411700"' in html
    assert len(page.context["records"]) == 5


def test_drill_down_goes_to_a_child_org_with_breadcrumbs_back_up(client, world, province_admin):
    login(client, province_admin)
    page = detail(client, world.breakfast, org="411700")
    assert page.status_code == 200
    assert headline(page) == (2, 4, 2000)
    assert children(page) == {"411702": (2, 3), "411721": (1, 1)}
    assert [o.code for o in page.context["trail"]] == ["410000"]
    county = detail(client, world.breakfast, org="411702")
    assert headline(county) == (2, 3, 1500)
    assert [o.code for o in county.context["trail"]] == ["410000", "411700"]
    html = text_of(county)
    assert f'href="/programs/{world.breakfast.pk}/?org=411700"' in html  # back up to the city
    assert {row["masked_name"] for row in county.context["records"]} == {"张*青", "李*英"}


def test_zhumadian_officer_sees_only_zhumadian_of_the_province_program(
    client, world, zhumadian_officer
):
    login(client, zhumadian_officer)
    response = client.get(reverse("programs:list"))
    assert list_row(response, world.breakfast) == {
        "persons": 2,
        "person_times": 4,
        "amount": "20.00",
        "budget_left": None,
    }
    assert list_row(response, world.checkup)["budget_left"] is None  # no budget set
    page = detail(client, world.breakfast)
    assert headline(page) == (2, 4, 2000)
    assert children(page) == {"411702": (2, 3), "411721": (1, 1)}
    assert page.context["trail"] == []
    # The province's budget is spent by every city; a city does not learn the others' spend.
    assert page.context["budget_left"] is None and "975.00" not in text_of(page)
    assert "洛龙区" not in text_of(page) and "王*阳" not in text_of(page)
    assert detail(client, world.breakfast, org="410300").status_code == 404
    assert detail(client, world.breakfast, org="410000").status_code == 404


def test_yicheng_officer_sees_only_yicheng(client, world, yicheng_officer):
    login(client, yicheng_officer)
    response = client.get(reverse("programs:list"))
    assert list_row(response, world.breakfast)["persons"] == 2
    assert list_row(response, world.breakfast)["person_times"] == 3
    assert list_row(response, world.checkup)["person_times"] == 1
    page = detail(client, world.breakfast)
    assert headline(page) == (2, 3, 1500)
    assert "西平县" not in text_of(page)
    assert detail(client, world.breakfast, org="411721").status_code == 404


def test_luoyang_officer_gets_404_on_a_zhumadian_program_and_only_luoyang_of_the_province(
    client, world, luoyang_officer
):
    login(client, luoyang_officer)
    response = client.get(reverse("programs:list"))
    assert [r["program"].pk for r in response.context["rows"]] == [world.breakfast.pk]
    assert "驻马店货车司机体检" not in text_of(response)
    assert list_row(response, world.breakfast)["person_times"] == 1

    assert detail(client, world.checkup).status_code == 404
    assert client.get(reverse("programs:export", args=[world.checkup.pk])).status_code == 404
    for code in ("411700", "411702", "410000"):
        assert detail(client, world.breakfast, org=code).status_code == 404
        export = client.get(reverse("programs:export", args=[world.breakfast.pk]), {"org": code})
        assert export.status_code == 404

    page = detail(client, world.breakfast)
    assert headline(page) == (1, 1, 500)
    assert children(page) == {"410311": (1, 1)}
    html = text_of(page)
    assert not [w for w in ZHUMADIAN_WORDS if w in html]
    sheets = exported(client, world.breakfast)
    cells = " ".join(str(c) for rows in sheets.values() for row in rows for c in row)
    assert not [w for w in ZHUMADIAN_WORDS if w in cells]


def test_a_record_of_another_subtree_cannot_be_voided(client, world, luoyang_officer):
    record = ServiceRecord.objects.get(worker=world.li)
    login(client, luoyang_officer)
    response = client.post(reverse("programs:void", args=[record.pk]), {"reason": "误扫"})
    assert response.status_code == 404
    assert not ServiceRecord.objects.get(pk=record.pk).voided


# --- query counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 6])
def test_list_page_makes_a_fixed_number_of_queries(
    client, program, point, make_worker, province_admin, count, django_assert_num_queries
):
    workers = [make_worker(org=code) for code in ("411702", "411721", "410311")]
    for i in range(count):
        run = program(f"项目{i}", org=["410000", "411700"][i % 2], unit_cost_fen=100)
        desk = point(f"服务点{i}", org="411702", programs=[run])
        for worker in workers if run.org.code == "410000" else workers[:2]:
            record_service(by=province_admin, program=run, worker=worker, point=desk)
    login(client, province_admin)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("programs:list"))
    assert len(response.context["rows"]) == count
    assert sorted(r["persons"].n for r in response.context["rows"]) == sorted([2, 3] * (count // 2))


# --- export -------------------------------------------------------------------------------------


def test_export_has_the_figures_per_child_org_and_per_day(client, world, province_admin):
    login(client, province_admin)
    sheets = exported(client, world.breakfast)
    assert list(sheets) == ["汇总", "按下级组织", "按日"]
    header, row = sheets["汇总"]
    assert header[:6] == ("项目", "统计范围", "组织代码", "服务人数", "服务人次", "金额（元）")
    assert row[:6] == ("环卫工人免费早餐", "河南省总工会", "410000", 3, 5, 25)
    assert row[6] == 975
    assert sheets["按下级组织"][1:] == [
        ("410300", "洛阳市总工会", 1, 1, 5),
        ("411700", "驻马店市总工会", 2, 4, 20),
    ]
    by_day = {day.date(): (times, yuan) for day, times, yuan in sheets["按日"][1:]}
    assert by_day == {
        timezone.localdate(world.days[0]): (1, 5),
        timezone.localdate(world.days[1]): (1, 5),
        timezone.localdate(world.days[2]): (3, 15),
    }
    assert AuditEvent.objects.filter(action="export", object_type="program").count() == 1


def test_export_follows_the_drill_down(client, world, zhumadian_officer):
    login(client, zhumadian_officer)
    sheets = exported(client, world.breakfast, org="411702")
    assert sheets["汇总"][1][1:6] == ("驿城区总工会", "411702", 2, 3, 15)
    assert sheets["汇总"][1][6] in (None, "")  # the province's budget is not the city's
    assert sheets["按下级组织"][1:] == []


# --- void ---------------------------------------------------------------------------------------


def test_void_from_the_detail_page_needs_a_reason_and_updates_the_figures(
    client, world, zhumadian_officer
):
    record = ServiceRecord.objects.get(worker=world.li)
    login(client, zhumadian_officer)
    page = detail(client, world.breakfast, org="411702")
    assert f'action="/programs/records/{record.pk}/void/"' in text_of(page)

    url = reverse("programs:void", args=[record.pk])
    blank = client.post(url, {"reason": "  ", "org": "411702"}, follow=True)
    assert "作废须填写原因" in text_of(blank)
    assert not ServiceRecord.objects.get(pk=record.pk).voided

    done = client.post(url, {"reason": "误扫", "org": "411702"}, follow=True)
    assert done.redirect_chain[-1][0].endswith(f"/programs/{world.breakfast.pk}/?org=411702")
    assert headline(done) == (1, 2, 1000)
    assert "已作废：误扫" in text_of(done)
    record.refresh_from_db()
    assert record.voided and record.void_reason == "误扫" and record.voided_by == zhumadian_officer
    assert spent_fen(world.breakfast) == 2000


def test_roles_without_manage_programs_see_no_void_button_and_cannot_post(client, world, staff):
    reviewer = staff("reviewer", "411700", Role.REVIEWER)
    record = ServiceRecord.objects.get(worker=world.li)
    login(client, reviewer)
    page = detail(client, world.breakfast)
    assert page.status_code == 200 and "作废原因" not in text_of(page)
    assert client.get(reverse("programs:create")).status_code == 404
    response = client.post(reverse("programs:void", args=[record.pk]), {"reason": "误扫"})
    assert response.status_code == 404
    assert not ServiceRecord.objects.get(pk=record.pk).voided


# --- set-up forms --------------------------------------------------------------------------------


def test_officer_creates_a_program_with_yuan_amounts_and_categories(client, zhumadian_officer):
    login(client, zhumadian_officer)
    form = client.get(reverse("programs:create"))
    assert form.status_code == 200 and 'value="411700"' in text_of(form)
    assert "货车司机" in text_of(form) and 'type="checkbox"' in text_of(form)
    response = client.post(
        reverse("programs:create"),
        {
            "org_code": "411702",
            "name": "货车司机意外险",
            "kind": "policy",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "frequency": "yearly",
            "categories": [str(BY_NAME["货车司机"].bit), str(BY_NAME["快递员"].bit)],
            "unit_cost": "35.5",
            "budget": "1,000,000",
            "when_exhausted": "refuse",
            "insurer": "中国人寿",
            "policy_number": "P-2026-001",
            "sum_insured": "100000",
            "cover_starts": "2026-01-01",
            "cover_ends": "2026-12-31",
        },
    )
    created = Program.objects.get(name="货车司机意外险")
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:detail", args=[created.pk])
    assert created.org.code == "411702" and created.org_path == "410000/411700/411702/"
    assert created.unit_cost_fen == 3550 and created.budget_fen == 100_000_000
    assert created.sum_insured_fen == 10_000_000 and created.insurer == "中国人寿"
    assert created.categories == BY_NAME["货车司机"].bit | BY_NAME["快递员"].bit
    page = client.get(response["Location"])
    assert page.context["budget_left"].units == "100万元"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"unit_cost": "3.555"}, "unit_cost", "最多两位小数"),
        ({"budget": "很多"}, "budget", "不是有效金额"),
        ({"org_code": "410300"}, "org_code", "不在您的管辖范围内"),
        ({"ends_on": "2025-01-01"}, None, ""),
    ],
)
def test_program_form_shows_errors_by_the_field(client, zhumadian_officer, changes, field, words):
    login(client, zhumadian_officer)
    data = {
        "org_code": "411700",
        "name": "免费体检",
        "kind": "one_off",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "frequency": "once",
        "unit_cost": "0",
        "when_exhausted": "refuse",
    }
    response = client.post(reverse("programs:create"), {**data, **changes})
    assert response.status_code == 200
    assert not Program.objects.exists()
    form = response.context["form"]
    assert form.errors
    if field:
        assert words in " ".join(form.errors[field])


def test_officer_creates_a_service_point_with_its_staff(client, world, zhumadian_officer, staff):
    staff("xiping_clerk", "411721", Role.POINT_STAFF)
    staff("luoyang_clerk", "410302", Role.POINT_STAFF)
    login(client, zhumadian_officer)
    url = reverse("programs:point_create")
    form = client.get(url)
    assert "环卫工人免费早餐" in text_of(form)
    outside = client.post(
        url,
        {
            "org_code": "411721",
            "name": "西平二店",
            "programs": [str(world.breakfast.pk)],
            "staff": "xiping_clerk，luoyang_clerk",
        },
    )
    assert "luoyang_clerk" in " ".join(outside.context["form"].errors["staff"])
    response = client.post(
        url,
        {
            "org_code": "411721",
            "name": "西平二店",
            "address": "西平县人民路1号",
            "programs": [str(world.breakfast.pk)],
            "staff": "xiping_clerk",
        },
    )
    assert response.status_code == 302
    created = ServicePoint.objects.get(name="西平二店")
    assert created.org.code == "411721"
    assert [p.pk for p in created.programs.all()] == [world.breakfast.pk]
    assert [u.username for u in created.staff.all()] == ["xiping_clerk"]


# --- service-point staff ----------------------------------------------------------------------


def test_point_staff_see_only_the_check_in_page(client, world):
    login(client, world.clerk)
    assert client.get(reverse("programs:checkin")).status_code == 200
    for url in [
        reverse("programs:list"),
        reverse("programs:detail", args=[world.breakfast.pk]),
        reverse("programs:export", args=[world.breakfast.pk]),
        reverse("programs:create"),
        reverse("programs:point_create"),
        reverse("programs:card", args=[world.zhang.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    record = ServiceRecord.objects.get(worker=world.li)
    assert (
        client.post(reverse("programs:void", args=[record.pk]), {"reason": "x"}).status_code == 404
    )


def checkin_form(response) -> dict:
    html = text_of(response)
    request_id = re.search(r'name="request_id" value="([0-9a-f]{32})"', html).group(1)
    return {"request_id": request_id}


def test_check_in_page_preselects_the_only_program_and_succeeds_then_refuses(
    client, world, make_worker
):
    worker = make_worker("赵晓明", org="411702")
    login(client, world.clerk)
    page = client.get(reverse("programs:checkin"))
    choice = f"{world.yicheng.pk}:{world.breakfast.pk}"
    html = text_of(page)
    assert f'<option value="{choice}" selected>' in html
    # The scanner is a static script: linked from the page, and it is the camera code.
    assert 'id="scan-button"' in html and f'src="{static("programs/checkin.js")}"' in html
    script = Path(finders.find("programs/checkin.js")).read_text(encoding="utf-8")
    assert "BarcodeDetector" in script and "scan-button" in script

    token = issue_card_token(worker.pk)
    ok = client.post(
        reverse("programs:checkin"),
        {"choice": choice, "token": token, **checkin_form(page)},
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 200
    assert ok.context["result"]["ok"] is True
    fragment = text_of(ok)
    assert "<html" not in fragment  # htmx gets just the panel
    assert "✓" in fragment and "赵*明" in fragment and "赵晓明" not in fragment
    assert ServiceRecord.objects.filter(worker=worker, voided=False).count() == 1

    again = client.post(
        reverse("programs:checkin"),
        {"choice": choice, "token": issue_card_token(worker.pk), **checkin_form(ok)},
        headers={"HX-Request": "true"},
    )
    result = again.context["result"]
    assert result["ok"] is False and result["masked_name"] == "赵*明"
    assert "今天已在驿城区早餐店享受过本项目" in text_of(again)
    assert "✗" in text_of(again)
    assert ServiceRecord.objects.filter(worker=worker).count() == 1


def test_check_in_retry_with_the_same_request_id_is_recorded_once(client, world, make_worker):
    worker = make_worker(org="411702")
    login(client, world.clerk)
    page = client.get(reverse("programs:checkin"))
    data = {
        "choice": f"{world.yicheng.pk}:{world.breakfast.pk}",
        "token": issue_card_token(worker.pk),
        **checkin_form(page),
    }
    first = client.post(reverse("programs:checkin"), data)
    second = client.post(reverse("programs:checkin"), data)
    assert first.context["result"]["ok"] and second.context["result"]["ok"]
    assert second.context["result"]["repeated"]
    assert checkin_form(first) != checkin_form(second) != {"request_id": data["request_id"]}
    assert ServiceRecord.objects.filter(worker=worker).count() == 1


@pytest.mark.parametrize(
    ("token", "words"),
    [("", "请扫码或输入工会卡二维码"), ("not-a-card", "无法识别的二维码")],
)
def test_check_in_page_shows_bad_input_as_a_refusal(client, world, token, words):
    login(client, world.clerk)
    page = client.get(reverse("programs:checkin"))
    response = client.post(
        reverse("programs:checkin"),
        {
            "choice": f"{world.yicheng.pk}:{world.breakfast.pk}",
            "token": token,
            **checkin_form(page),
        },
    )
    assert response.context["result"]["ok"] is False
    assert words in text_of(response)


def test_check_in_at_a_point_that_is_not_the_clerks_is_refused(client, world, make_worker):
    login(client, world.clerk)
    page = client.get(reverse("programs:checkin"))
    response = client.post(
        reverse("programs:checkin"),
        {
            "choice": f"{world.xiping.pk}:{world.breakfast.pk}",
            "token": issue_card_token(make_worker().pk),
            **checkin_form(page),
        },
    )
    assert response.context["result"]["ok"] is False
    assert "请选择服务点和项目" in text_of(response)
    assert ServiceRecord.objects.count() == 6


def test_officers_without_points_have_no_check_in_page(client, world, luoyang_officer):
    login(client, luoyang_officer)
    assert client.get(reverse("programs:checkin")).status_code == 404


def test_point_staff_without_points_are_told_so(client, world, staff):
    login(client, staff("new_clerk", "411702", Role.POINT_STAFF))
    response = client.get(reverse("programs:checkin"))
    assert response.status_code == 200 and "您还不是任何服务点的核销人员" in text_of(response)


# --- worker card ----------------------------------------------------------------------------------


def test_worker_card_shows_a_fresh_token_as_an_inline_qr_code(client, world, yicheng_officer):
    login(client, yicheng_officer)
    response = client.get(reverse("programs:card", args=[world.zhang.pk]))
    assert response.status_code == 200
    html = text_of(response)
    assert "<svg" in html and "<img" not in html
    assert 'hx-trigger="every 60s"' in html
    token = response.context["token"]
    assert read_card_token(token) == world.zhang.pk
    refreshed = client.get(
        reverse("programs:card", args=[world.zhang.pk]), headers={"HX-Request": "true"}
    )
    assert "<html" not in text_of(refreshed) and "<svg" in text_of(refreshed)


def test_worker_card_of_another_subtree_is_404(client, world, luoyang_officer, yicheng_officer):
    login(client, luoyang_officer)
    assert client.get(reverse("programs:card", args=[world.zhang.pk])).status_code == 404
    login(client, yicheng_officer)
    assert client.get(reverse("programs:card", args=[world.wang.pk])).status_code == 404
