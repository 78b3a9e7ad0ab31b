"""Plans and bulk rosters on pages: an officer sets up a plan and enrols from it, a grassroots
agent uploads a roster (a bad row submits nothing), the union above reviews it and sees it
on the home page; a sibling subtree gets 404 for every one of these pages."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.accounts.models import Role
from gonghui.audit.models import AuditEvent
from gonghui.core.tabular import write_csv
from gonghui.mutualaid.importers import ROSTER_COLUMNS, import_enrolments
from gonghui.mutualaid.models import Enrolment, EnrolmentRoster, Plan
from gonghui.tests.answers import visible_text

pytestmark = pytest.mark.django_db

PLAN_FORM = {
    "org_code": "411702",
    "year": "2027",
    "name": "2027年驿城区职工互助保障",
    "contribution": "50",
    "enrol_opens": "2026-11-01",
    "enrol_closes": "2027-03-31",
    "cover_starts": "2027-01-01",
    "cover_ends": "2027-12-31",
    "annual_cap": "60,000",
    "waiting_days": "90",
    "benefits": "恶性肿瘤 50000\n急性心肌梗死：30,000元\n",
}


def test_an_officer_sets_up_a_plan_that_the_enrolment_page_then_offers(client, yicheng_officer):
    client.force_login(yicheng_officer)
    answer = client.post("/mutualaid/plans/new/", PLAN_FORM)
    assert answer.status_code == 302, visible_text(answer)[:1000]
    plan = Plan.objects.get()
    assert (plan.org.code, plan.contribution_fen, plan.annual_cap_fen) == (
        "411702",
        5000,
        6_000_000,
    )
    assert {b.category: b.amount_fen for b in plan.benefits.all()} == {
        "恶性肿瘤": 5_000_000,
        "急性心肌梗死": 3_000_000,
    }
    event = AuditEvent.objects.get(object_type="aid_plan")
    assert (event.action, event.actor_id, event.org_path) == (
        "create",
        yicheng_officer.pk,
        plan.org_path,
    )
    listed = visible_text(client.get("/mutualaid/plans/"))
    assert "2027年驿城区职工互助保障" in listed and "50,000.00" in listed
    enrol = client.get("/mutualaid/enrol/")
    assert [(v, label) for v, label in enrol.context["form"].fields["plan"].choices] == [
        (str(plan.pk), "2027 · 2027年驿城区职工互助保障")
    ]
    assert 'id="no-plan"' not in enrol.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"year": "2026"}, "year", "驿城区总工会已有2026年度计划"),
        ({"contribution": "0.001"}, "contribution", "每人缴费“0.001”最多两位小数（精确到分）"),
        ({"cover_ends": "2026-12-31"}, "cover_ends", "保障期和参保时间的结束日期不能早于开始日期"),
        ({"benefits": "恶性肿瘤"}, "benefits", "给付标准第1行应为“疾病类别 金额”"),
        ({"benefits": "恶性肿瘤 5万"}, "benefits", "“恶性肿瘤”的互助金“5万”不是有效金额"),
        (
            {"org_code": "410300"},
            "org_code",
            "“410300”不存在或不在您的管辖范围内：请输入组织代码、名称或拼音首字母",
        ),
    ],
)
def test_a_refused_plan_shows_the_reason_next_to_its_field(
    client, yicheng_officer, changes, field, message
):
    """The service's refusals (an existing year, the periods) and the amounts' parsing are
    shown where they belong; nothing is created beyond the plan set up first."""
    client.force_login(yicheng_officer)
    assert client.post("/mutualaid/plans/new/", {**PLAN_FORM, "year": "2026"}).status_code == 302
    answer = client.post("/mutualaid/plans/new/", {**PLAN_FORM, **changes})
    assert answer.status_code == 200
    assert answer.context["form"].errors[field] == [message]
    assert Plan.objects.count() == 1


def test_without_a_plan_the_enrolment_page_says_how_to_get_one(client, yicheng_officer, staff):
    client.force_login(yicheng_officer)
    hint = _no_plan(client.get("/mutualaid/enrol/"))
    assert "设立计划" in hint and 'href="/mutualaid/plans/new/"' in hint
    reviewer = staff("yc_reviewer", "411702", Role.REVIEWER)
    client.force_login(reviewer)
    hint = _no_plan(client.get("/mutualaid/plans/"))
    assert "经办人设立" in hint and "/mutualaid/plans/new/" not in hint
    assert client.get("/mutualaid/plans/new/").status_code == 403


def _no_plan(answer) -> str:
    html = answer.content.decode()
    start = html.index('id="no-plan"')
    return html[start : html.index("</div>", start)]


@pytest.fixture
def one_row_roster(plan, agent_and_workers, tmp_path) -> int:
    """A roster of 张东青 submitted by the grassroots agent, waiting for 驿城区."""
    agent, workers, numbers = agent_and_workers
    path = write_csv(
        tmp_path / "名册.csv", ROSTER_COLUMNS, [[workers[0].name, numbers[0], "2026-01-10"]]
    )
    return import_enrolments(path, by=agent, plan=plan).run_id


def _csv(rows) -> SimpleUploadedFile:
    body = io.StringIO()
    csv.writer(body).writerows([ROSTER_COLUMNS, *rows])
    return SimpleUploadedFile("参保名册.csv", body.getvalue().encode("utf-8-sig"))


def test_a_roster_with_a_bad_row_names_row_and_column_and_submits_nothing(
    client, plan, agent_and_workers
):
    agent, workers, numbers = agent_and_workers
    client.force_login(agent)
    rows = [
        [workers[0].name, numbers[0], "2026-01-10"],
        [workers[1].name, numbers[1], "2026-05-01"],
    ]
    answer = client.post("/mutualaid/rosters/new/", {"plan": plan.pk, "file": _csv(rows)})
    assert answer.status_code == 400
    assert [(p.row, p.column, p.message) for p in answer.context["report"].errors] == [
        (3, "缴费日期", "参保时间为2025-11-01至2026-03-31，2026-05-01不在其中")
    ]
    table = visible_text(answer)
    assert "缴费日期" in table and "2026-05-01不在其中" in table
    assert not EnrolmentRoster.objects.exists() and not Enrolment.objects.exists()


def test_the_upload_page_links_the_roster_to_fill_in(client, yicheng_officer):
    client.force_login(yicheng_officer)
    upload = client.get("/mutualaid/rosters/new/").content.decode()
    assert 'href="/console/fill-in.xlsx?kind=aid-enrolments"' in upload


def test_the_union_above_sees_the_roster_waiting_returns_a_row_and_enrols_the_rest(
    client, plan, agent_and_workers, yicheng_officer
):
    agent, workers, numbers = agent_and_workers
    client.force_login(agent)
    rows = [[w.name, n, "2026-01-10"] for w, n in zip(workers, numbers, strict=True)]
    answer = client.post("/mutualaid/rosters/new/", {"plan": plan.pk, "file": _csv(rows)})
    roster = EnrolmentRoster.objects.get()
    assert answer["Location"] == f"/mutualaid/rosters/{roster.pk}/"
    own = client.get(answer["Location"])
    assert 'id="review"' not in own.content.decode()  # its own roster waits for the union above
    assert _todo(client) == (0, "/mutualaid/rosters/?state=waiting")

    client.force_login(yicheng_officer)
    assert _todo(client) == (1, "/mutualaid/rosters/?state=waiting")
    waiting = client.get("/mutualaid/rosters/", {"state": "waiting"})
    assert [r.pk for r in waiting.context["page_obj"]] == [roster.pk]
    assert waiting.context["page_obj"][0].row_count == 3
    detail = client.get(f"/mutualaid/rosters/{roster.pk}/")
    assert "张*青" in visible_text(detail) and 'id="review"' in detail.content.decode()

    unexplained = client.post(f"/mutualaid/rosters/{roster.pk}/review/", {"returned": ["3"]})
    assert unexplained.status_code == 400
    assert unexplained.context["form"].errors["reason"] == ["退回第3行须填写理由"]
    assert not Enrolment.objects.exists()

    reviewed = client.post(
        f"/mutualaid/rosters/{roster.pk}/review/", {"returned": ["3"], "reason": "缴费凭证不清"}
    )
    assert reviewed.status_code == 302
    assert sorted(Enrolment.objects.values_list("worker__name", flat=True)) == ["张东青", "王五"]
    roster.refresh_from_db()
    assert (roster.state, roster.reviewed_by) == ("reviewed", yicheng_officer)
    returned = roster.rows.get(row_number=3)
    assert (returned.decision, returned.reason) == ("returned", "缴费凭证不清")
    assert AuditEvent.objects.filter(action="review_roster", object_id=roster.pk).exists()
    assert _todo(client)[0] == 0
    assert "已审核" in visible_text(client.get(f"/mutualaid/rosters/{roster.pk}/"))


def test_a_roster_returned_whole_enrols_nobody(client, one_row_roster, yicheng_officer):
    roster_id = one_row_roster
    client.force_login(yicheng_officer)
    answer = client.post(
        f"/mutualaid/rosters/{roster_id}/review/", {"whole": "", "reason": "未附缴费凭证"}
    )
    assert answer.status_code == 302
    assert not Enrolment.objects.exists()
    assert EnrolmentRoster.objects.get().rows.get().decision == "returned"


def test_a_review_the_service_or_the_form_refuses_is_shown_and_changes_nothing(
    client, one_row_roster, agent_and_workers, yicheng_officer
):
    """The agent's own union may not review its roster (the service says so above the
    table); a row the roster does not have is refused by the form."""
    client.force_login(agent_and_workers[0])
    own = client.post(f"/mutualaid/rosters/{one_row_roster}/review/", {})
    assert own.status_code == 400
    assert own.context["form"].non_field_errors() == ["名册须由上级工会审核"]
    client.force_login(yicheng_officer)
    unknown = client.post(
        f"/mutualaid/rosters/{one_row_roster}/review/", {"returned": ["9"], "reason": "无此人"}
    )
    assert unknown.status_code == 400
    assert "9" in unknown.context["form"].errors["returned"][0]
    assert 'role="alert"' in unknown.content.decode()
    assert EnrolmentRoster.objects.get().state == "submitted" and not Enrolment.objects.exists()


def test_a_sibling_gets_404_for_the_roster_and_sees_no_plan_or_roster(
    client, plan, one_row_roster, luoyang_officer
):
    roster_id = one_row_roster
    client.force_login(luoyang_officer)
    assert client.get(f"/mutualaid/rosters/{roster_id}/").status_code == 404
    assert client.post(f"/mutualaid/rosters/{roster_id}/review/", {}).status_code == 404
    assert list(client.get("/mutualaid/rosters/").context["page_obj"]) == []
    assert plan.name not in visible_text(client.get("/mutualaid/plans/"))
    refused = client.post("/mutualaid/rosters/new/", {"plan": plan.pk, "file": _csv([])})
    assert "plan" in refused.context["form"].errors
    assert _todo(client)[0] == 0
    assert EnrolmentRoster.objects.get().state == "submitted" and not Enrolment.objects.exists()


def _todo(client) -> tuple[int, str]:
    """The home page's 待审核参保名册 entry for whoever ``client`` is signed in as."""
    page = client.get("/").content.decode()
    found = re.search(r'data-todo="rosters"[^>]*><a href="([^"]+)"><strong>(\d+)</strong>', page)
    assert found, "no 待审核参保名册 on the home page"
    return int(found[2]), found[1].replace("&amp;", "&")
