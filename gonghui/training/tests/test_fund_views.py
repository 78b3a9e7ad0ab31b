"""Training-fund pages, export and API: what staff see, and what a sibling org never sees."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.crypto import decrypt
from gonghui.members.generate import make_id
from gonghui.members.validation import ID_PURPOSE
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Org
from gonghui.tests.figures import page_tables
from gonghui.training.funds import add_trainee, record_outcome, record_spending
from gonghui.training.models import FundOutcome, FundProject, FundSpending, FundTrainee
from gonghui.training.tests.conftest import START, TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(make_project, yicheng_officer, make_worker):
    """A 驿城区 project (budget 10,000 yuan, 2,500.50 spent) with two trainees, one certified."""
    project = make_project()
    record_spending(
        by=yicheng_officer,
        project=project,
        spent_on=TODAY,
        amount_fen=250_050,
        purpose="第一学期学费",
    )
    people = [make_worker("张东青"), make_worker("李秀英")]
    trainees = [
        add_trainee(by=yicheng_officer, project=project, worker=w, channel="console").trainee
        for w in people
    ]
    record_outcome(
        by=yicheng_officer, trainee=trainees[0], kind="certified", on=TODAY, note="大专毕业证"
    )
    return project, people, trainees


def test_an_officer_creates_a_project_from_the_page(client, yicheng_officer):
    client.force_login(yicheng_officer)
    form = {
        "org_code": "411702",
        "name": "环卫工人技能提升",
        "kind": "skill",
        "employer_name": "驿城区环卫公司",
        "uscc": make_uscc(random.Random(3)),
        "provider": "驻马店技师学院",
        "starts_on": START.isoformat(),
        "ends_on": TODAY.isoformat(),
        "budget": "12,345.67",
    }
    bad = client.post(reverse("training:fund_create"), {**form, "budget": "1.234"})
    assert "最多两位小数" in bad.content.decode() and FundProject.objects.count() == 0
    response = client.post(reverse("training:fund_create"), form)
    project = FundProject.objects.get()
    assert response.url == reverse("training:fund", args=[project.pk])
    assert project.budget_fen == 1_234_567 and project.employer.name == "驿城区环卫公司"


def test_the_edit_page_shows_the_four_eyes_refusal_of_a_budget_change(
    client, make_project, an_employer, yicheng_officer, zhumadian_officer
):
    project = make_project(budget_fen=100_000)  # set by 驿城区's officer
    form = {
        "org_code": "411702",
        "name": project.name,
        "kind": "diploma",
        "employer_name": an_employer[0],
        "uscc": an_employer[1],
        "provider": project.provider,
        "starts_on": project.starts_on.isoformat(),
        "ends_on": project.ends_on.isoformat(),
        "budget": "1,500.00",
    }
    url = reverse("training:fund_edit", args=[project.pk])
    client.force_login(yicheng_officer)
    refused = client.post(url, form).content.decode()
    assert "修改预算须由另一人办理：您已设定现行预算（双人复核）" in refused
    assert FundProject.objects.get(pk=project.pk).budget_fen == 100_000
    client.force_login(zhumadian_officer)
    assert client.post(url, form).status_code == 302
    assert FundProject.objects.get(pk=project.pk).budget_fen == 150_000


def test_detail_shows_budget_spent_left_and_masked_trainees(client, zhumadian_officer, funded):
    project, people, _ = funded
    client.force_login(zhumadian_officer)  # the city sees its counties' projects
    listing = client.get(reverse("training:funds")).content.decode()
    assert 'data-figure="left">7,499.50<' in listing and 'data-figure="trainees">2<' in listing
    page = client.get(reverse("training:fund", args=[project.pk])).content.decode()
    assert 'id="spent">2,500.50<' in page and 'id="left">7,499.50<' in page
    assert "张*青" in page and "张东青" not in page and people[0].id_masked in page
    assert "取得证书/学历 1人" in page


def test_spending_over_the_budget_is_refused_on_the_page(client, yicheng_officer, funded):
    project, _, _ = funded
    client.force_login(yicheng_officer)
    url = reverse("training:fund_spend", args=[project.pk])
    page = client.post(
        url,
        {"spent_on": TODAY.isoformat(), "amount": "7499.51", "purpose": "第二学期学费"},
        follow=True,
    ).content.decode()
    assert "预算仅剩7,499.50元" in page
    client.post(url, {"spent_on": TODAY.isoformat(), "amount": "7499.50", "purpose": "学费"})
    project.refresh_from_db()
    assert project.left_fen == 0 and FundSpending.objects.count() == 2


def test_staff_add_a_trainee_by_id_number_and_record_an_outcome(
    client, yicheng_officer, funded, make_worker, make_project
):
    project, _, trainees = funded
    newcomer = make_worker("王伟")
    client.force_login(yicheng_officer)
    clear = decrypt(newcomer.id_cipher, purpose=ID_PURPOSE)
    page = client.post(
        reverse("training:fund_trainee_add", args=[project.pk]), {"id_number": clear}, follow=True
    ).content.decode()
    assert "王* 已登记为学员" in page
    assert FundTrainee.objects.filter(project=project, worker=newcomer).exists()
    client.post(
        reverse("training:fund_outcome", args=[project.pk]),
        {"trainee": trainees[1].pk, "kind": "dropped", "on": TODAY.isoformat(), "note": "调岗"},
    )
    assert FundOutcome.objects.get(trainee=trainees[1]).kind == "dropped"
    other = make_project("另一项目")
    wrong = client.post(
        reverse("training:fund_outcome", args=[other.pk]),
        {"trainee": trainees[0].pk, "kind": "completed", "on": TODAY.isoformat()},
    )
    assert wrong.status_code == 404 and not trainees[0].outcomes.filter(kind="completed")


def test_an_upload_with_bad_rows_lists_them_and_adds_nothing(client, yicheng_officer, funded):
    project, _, _ = funded
    client.force_login(yicheng_officer)
    csv = f"身份证号,姓名,入学日期\n{make_id(random.Random(5), '411702')},无名氏,\n"
    upload = SimpleUploadedFile("学员.csv", csv.encode("utf-8-sig"))
    response = client.post(reverse("training:fund_import", args=[project.pk]), {"file": upload})
    assert response.status_code == 400
    assert "第2行【身份证号】" in response.content.decode()
    assert FundTrainee.objects.filter(project=project).count() == 2


def test_the_export_holds_trainees_outcomes_and_spending(client, zhumadian_officer, funded):
    project, people, trainees = funded
    client.force_login(zhumadian_officer)
    response = client.get(reverse("training:fund_export", args=[project.pk]))
    book = load_workbook(io.BytesIO(response.content))
    terms = list(book["项目"].iter_rows(min_row=2, values_only=True))[0]
    assert terms[8:12] == (10000, 2500.5, 7499.5, 2)
    header = next(book["学员与结果"].iter_rows(values_only=True))
    rows = list(book["学员与结果"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["张*青", "李*英"]
    assert [r[2] for r in rows] == [p.id_masked for p in people]
    certified = header.index("取得证书/学历日期")
    assert rows[0][certified].date() == TODAY and rows[1][certified] is None
    assert rows[0][-1] == "大专毕业证"
    spent = list(book["支出"].iter_rows(min_row=2, values_only=True))
    assert spent == [(spent[0][0], 2500.5, "第一学期学费", "yicheng")]
    text = "".join(str(c) for s in book for r in s.iter_rows(values_only=True) for c in r)
    assert "张东青" not in text


def test_the_api_lists_and_details_projects_in_scope(call, zhumadian_officer, funded):
    project, _, trainees = funded
    listing = call(zhumadian_officer, "get", "/api/training/funds").json()
    assert listing["count"] == 1
    assert listing["items"][0]["left_fen"] == 749_950
    detail = call(zhumadian_officer, "get", f"/api/training/funds/{project.pk}").json()
    assert [t["masked_name"] for t in detail["trainees"]] == ["张*青", "李*英"]
    assert detail["trainees"][0]["outcomes"] == {"certified": TODAY.isoformat()}
    assert detail["spendings"] == [
        {"spent_on": TODAY.isoformat(), "amount_fen": 250_050, "purpose": "第一学期学费"}
    ]


def test_a_sibling_officer_gets_nothing_from_any_fund_page_or_endpoint(
    client, call, luoyang_officer, funded
):
    project, _, trainees = funded
    client.force_login(luoyang_officer)
    listing = client.get(reverse("training:funds")).content.decode()
    assert project.name not in listing and "暂无培训资助项目" in listing
    assert client.get(reverse("training:funds") + "?org=411702").status_code == 404
    for name in ("fund", "fund_edit", "fund_export"):
        assert client.get(reverse(f"training:{name}", args=[project.pk])).status_code == 404, name
    for name, pk in [
        ("fund_spend", project.pk),
        ("fund_trainee_add", project.pk),
        ("fund_import", project.pk),
        ("fund_edit", project.pk),
        ("fund_outcome", project.pk),
    ]:
        assert client.post(reverse(f"training:{name}", args=[pk])).status_code == 404, name
    form = {
        "org_code": "411702",
        "name": "冒名项目",
        "kind": "skill",
        "employer_name": "某公司",
        "uscc": make_uscc(random.Random(9)),
        "provider": "学院",
        "starts_on": START.isoformat(),
        "ends_on": TODAY.isoformat(),
        "budget": "100",
    }
    refused = client.post(reverse("training:fund_create"), form).content.decode()
    assert "不在您的管辖范围内" in refused
    assert list(FundProject.objects.values_list("name", flat=True)) == [project.name]
    assert call(luoyang_officer, "get", "/api/training/funds").json()["count"] == 0
    assert call(luoyang_officer, "get", f"/api/training/funds/{project.pk}").status_code == 404
    _, funds = page_tables(client.get(reverse("training:figures")).content.decode())
    assert (funds[""]["training.fund.projects"], funds[""]["training.fund.spent"]) == ("0", "0.00")
    counties = Org.objects.filter(parent__code="410300").values_list("code", flat=True)
    assert set(funds) == {"", "410300", *counties}  # 洛阳's own rows only
    assert FundSpending.objects.count() == 1 and FundOutcome.objects.count() == 1
