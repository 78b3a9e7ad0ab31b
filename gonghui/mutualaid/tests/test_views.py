"""The mutual-aid console: file with a PDF, review, pay, see the figures; a sibling sees nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from gonghui.members.services import reveal_id_number
from gonghui.mutualaid.models import Claim
from gonghui.mutualaid.tests.conftest import CANCER_FEN
from gonghui.tests.answers import visible_text
from gonghui.tests.figures import page_tables

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def filed_by_page(client, enrolment, plan, yicheng_officer, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path
    number = reveal_id_number(by=yicheng_officer, worker=enrolment.worker)
    client.force_login(yicheng_officer)
    answer = client.post(
        "/mutualaid/claims/new/",
        {
            "plan": plan.pk,
            "id_number": number,
            "category": "恶性肿瘤",
            "diagnosed_on": "2026-05-10",
            "hospital": "驻马店市中心医院",
            "diagnosis": "肺腺癌",
            "claimed": "80000",
            "document": SimpleUploadedFile("诊断证明.pdf", PDF),
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return Claim.objects.get()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"claimed": "800.005"}, "claimed", "申请金额“800.005”最多两位小数（精确到分）"),
        ({"claimed": "0"}, "claimed", "申请金额须大于0"),
        (
            {"document": SimpleUploadedFile("病历.pdf", b"MZ\x90\x00" + b"\x00" * 64)},
            "document",
            "病历.pdf：只接受PDF、JPEG、PNG文件（按文件内容判断）",
        ),
    ],
)
def test_a_refused_claim_shows_the_reason_next_to_its_field(
    client, enrolment, plan, yicheng_officer, settings, tmp_path, changes, field, message
):
    """``yuan_to_fen`` and ``file_claim`` name ``claimed_fen`` and the upload check ``file``;
    the form calls them ``claimed`` and ``document``."""
    settings.UPLOAD_DIR = tmp_path
    client.force_login(yicheng_officer)
    answer = client.post(
        "/mutualaid/claims/new/",
        {
            "plan": plan.pk,
            "id_number": reveal_id_number(by=yicheng_officer, worker=enrolment.worker),
            "category": "恶性肿瘤",
            "diagnosed_on": "2026-05-10",
            "hospital": "驻马店市中心医院",
            "diagnosis": "肺腺癌",
            "claimed": "80000",
            **changes,
        },
    )
    assert answer.status_code == 200
    assert answer.context["form"].errors[field] == [message]
    assert not Claim.objects.exists()


def step(client, claim, action, **fields):
    return client.post(f"/mutualaid/claims/{claim.pk}/action/", {"action": action, **fields})


def test_officer_files_reviewer_approves_officer_pays_and_the_city_sees_it(
    client, filed_by_page, yicheng_officer, reviewer, zhumadian_officer
):
    claim = filed_by_page
    assert claim.documents.get().name == "诊断证明.pdf"
    step(client, claim, "submit")
    step(client, claim, "check")
    client.force_login(reviewer)
    queue = client.get("/mutualaid/").content.decode()
    assert f'data-claim="{claim.pk}"' in queue and "张*青" in queue and "恶性肿瘤" not in queue
    detail = client.get(f"/mutualaid/claims/{claim.pk}/").content.decode()
    assert "肺腺癌" not in detail and "查看（留痕）" in detail
    shown = client.post(f"/mutualaid/claims/{claim.pk}/diagnosis/").content.decode()
    assert "肺腺癌" in shown
    refused = step(client, claim, "approve", amount="50000.01")
    assert refused.status_code == 302
    assert Claim.objects.get(pk=claim.pk).state == "checked"
    step(client, claim, "approve")
    client.force_login(yicheng_officer)  # filed and checked it: four eyes refuse
    step(client, claim, "pay")
    assert Claim.objects.get(pk=claim.pk).state == "approved"
    client.force_login(zhumadian_officer)
    step(client, claim, "pay")
    claim.refresh_from_db()
    assert claim.state == "paid" and claim.payout.amount_fen == CANCER_FEN
    page = client.get(f"/mutualaid/claims/{claim.pk}/").content.decode()
    assert "给付标准50,000.00元" in page and claim.payout.reference in page
    assert "80,000.00" in page and "8000000" not in page and "5000000" not in page
    client.force_login(reviewer)
    figures = client.get("/mutualaid/figures/?year=2026").content.decode()
    (table,) = page_tables(figures)
    assert table["411702"]["mutualaid.paid"] == "50,000.00" and "5万元" in figures
    book = load_workbook(io.BytesIO(client.get("/mutualaid/figures/export.xlsx?year=2026").content))
    assert [row[-1] for row in book["按组织"].values if row[0] in ("411702", None)] == [50000] * 2


def test_the_claim_export_carries_no_health_data(client, filed_by_page, yicheng_officer):
    client.force_login(yicheng_officer)
    text = visible_text(client.get("/mutualaid/export.xlsx?state=all"))
    assert "张*青" in text and "恶性肿瘤" not in text and "肺腺癌" not in text


def test_a_renamed_executable_is_refused_on_the_page(client, filed_by_page, yicheng_officer):
    answer = client.post(
        f"/mutualaid/claims/{filed_by_page.pk}/documents/",
        {"document": SimpleUploadedFile("病历.pdf", b"MZ\x90\x00" + b"\x00" * 64)},
    )
    assert "只接受PDF、JPEG、PNG文件" in answer.content.decode()
    assert filed_by_page.documents.count() == 1


def test_a_sibling_officer_gets_404_from_every_claim_page(client, filed_by_page, luoyang_officer):
    claim = filed_by_page
    document = claim.documents.get()
    client.force_login(luoyang_officer)
    for url in (f"/mutualaid/claims/{claim.pk}/", f"/mutualaid/documents/{document.pk}/"):
        assert client.get(url).status_code == 404, url
    for url in ("action/", "diagnosis/", "documents/"):
        assert (
            client.post(f"/mutualaid/claims/{claim.pk}/{url}", {"action": "submit"}).status_code
            == 404
        )
    for url in (
        "/mutualaid/?state=all",
        "/mutualaid/figures/?year=2026",
        "/mutualaid/export.xlsx?state=all",
    ):
        text = visible_text(client.get(url))
        assert "张*青" not in text and "驿城区" not in text, url
    assert client.get("/mutualaid/figures/?year=2026&org=411702").status_code == 404
    assert Claim.objects.get(pk=claim.pk).state == "draft"


def test_a_refused_enrolment_shows_the_reason_next_to_the_id_number(
    client, enrolment, plan, yicheng_officer
):
    """``enrol_worker`` names ``worker``; the enrol form asks for the worker's ``id_number``."""
    client.force_login(yicheng_officer)
    answer = client.post(
        "/mutualaid/enrol/",
        {
            "plan": plan.pk,
            "id_number": reveal_id_number(by=yicheng_officer, worker=enrolment.worker),
            "paid_on": "2026-02-01",
        },
    )
    assert answer.status_code == 200
    assert answer.context["form"].errors["id_number"] == [f"该职工已参加{plan.year}年度互助保障"]
