"""/api/mutualaid end to end, and a sibling subtree getting nothing from any endpoint."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.accounts.services import issue_api_token
from gonghui.audit.models import AuditEvent
from gonghui.mutualaid.models import ClaimDocument
from gonghui.mutualaid.tests.conftest import CANCER_FEN

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200


def act(call, user, claim_id, action, **body):
    return call(
        user, "post", f"/api/mutualaid/claims/{claim_id}/actions", {"action": action, **body}
    )


def upload(client, user, claim_id, name, data):
    token = issue_api_token(user=user, name="upload")
    return client.post(
        f"/api/mutualaid/claims/{claim_id}/documents",
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
def filed(call, enrolment, yicheng_officer):
    answer = call(
        yicheng_officer,
        "post",
        "/api/mutualaid/claims",
        {
            "enrolment": enrolment.pk,
            "category": "恶性肿瘤",
            "diagnosed_on": "2026-05-10",
            "hospital": "驻马店市中心医院",
            "diagnosis": "肺腺癌",
            "claimed_fen": 8_000_000,
        },
    )
    assert answer.status_code == 200, answer.json()
    return answer.json()


def test_a_claim_goes_from_filing_to_payment_through_the_api(
    call, client, filed, yicheng_officer, reviewer, zhumadian_officer
):
    claim_id = filed["id"]
    assert filed["state"] == "draft" and filed["actions"] == ["submit"]
    assert upload(client, yicheng_officer, claim_id, "诊断证明.pdf", PDF).status_code == 200
    assert act(call, yicheng_officer, claim_id, "submit").json()["state"] == "submitted"
    assert act(call, yicheng_officer, claim_id, "check").json()["state"] == "checked"
    queue = call(reviewer, "get", "/api/mutualaid/claims", {"waiting": "true"}).json()
    assert [row["id"] for row in queue["items"]] == [claim_id]
    assert "恶性肿瘤" not in str(queue) and "肺腺癌" not in str(queue)
    too_much = act(call, reviewer, claim_id, "approve", amount_fen=CANCER_FEN + 1)
    assert too_much.status_code == 409 and too_much.json()["code"] == "above_rule"
    approved = act(call, reviewer, claim_id, "approve").json()
    assert approved["approved_fen"] == CANCER_FEN and "给付标准50,000.00元" in approved["rule_text"]
    assert act(call, reviewer, claim_id, "pay").status_code == 403
    # Four eyes: the officer who filed and checked it does not pay it; another officer does.
    assert act(call, yicheng_officer, claim_id, "pay").json()["code"] == "four_eyes"
    paid = act(call, zhumadian_officer, claim_id, "pay").json()
    assert paid["state"] == "paid" and paid["payout_reference"].startswith("HZ2026")
    again = act(call, zhumadian_officer, claim_id, "pay")
    assert again.status_code == 409
    assert [s["action"] for s in paid["timeline"]] == [
        "create",
        "submit",
        "check",
        "approve",
        "pay",
    ]
    figures = call(yicheng_officer, "get", "/api/mutualaid/figures", {"year": 2026}).json()
    assert (figures["enrolments"], figures["payees"], figures["paid_fen"]) == (1, 1, CANCER_FEN)
    assert figures["paid_units"] == "5万元"
    city = call(reviewer, "get", "/api/mutualaid/figures", {"year": 2026}).json()
    assert city["paid_fen"] == CANCER_FEN
    assert {c["org_code"]: c["paid_fen"] for c in city["children"]}["411702"] == CANCER_FEN


def test_the_diagnosis_is_for_reviewers_and_every_opening_is_audited(
    call, filed, yicheng_officer, reviewer
):
    claim_id = filed["id"]
    assert (
        call(yicheng_officer, "get", f"/api/mutualaid/claims/{claim_id}/diagnosis").status_code
        == 403
    )
    answer = call(reviewer, "get", f"/api/mutualaid/claims/{claim_id}/diagnosis")
    assert answer.json() == {"diagnosis": "肺腺癌"}
    call(reviewer, "get", f"/api/mutualaid/claims/{claim_id}")
    actions = set(
        AuditEvent.objects.filter(object_type="aid_claim").values_list("action", flat=True)
    )
    assert {"view", "view_health"} <= actions


def test_uploads_are_judged_by_content_and_size(client, filed, yicheng_officer, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path
    claim_id = filed["id"]
    renamed = upload(client, yicheng_officer, claim_id, "病历.pdf", EXE)
    assert renamed.status_code == 400 and renamed.json()["code"] == "file_type"
    assert "病历.pdf" in renamed.json()["message"]
    settings.UPLOAD_MAX_BYTES = 1024
    big = upload(client, yicheng_officer, claim_id, "大.pdf", PDF + b"0" * 2000)
    assert big.status_code == 400 and big.json()["code"] == "file_too_large"
    assert ClaimDocument.objects.count() == 0 and not any(tmp_path.rglob("*.enc"))
    ok = upload(client, yicheng_officer, claim_id, "诊断.pdf", PDF)
    stored = next(tmp_path.rglob("*.enc"))
    assert PDF not in stored.read_bytes()  # encrypted at rest
    assert ok.json()["content_type"] == "application/pdf"


def test_documents_are_served_in_scope_only(
    client, call, filed, yicheng_officer, reviewer, luoyang_officer, settings, tmp_path
):
    settings.UPLOAD_DIR = tmp_path
    document_id = upload(client, yicheng_officer, filed["id"], "诊断.pdf", PDF).json()["id"]
    mine = call(reviewer, "get", f"/api/mutualaid/documents/{document_id}")
    assert mine.status_code == 200 and mine.content == PDF
    assert mine["Content-Disposition"].startswith("attachment")
    assert (
        call(luoyang_officer, "get", f"/api/mutualaid/documents/{document_id}").status_code == 404
    )
    assert call(None, "get", f"/api/mutualaid/documents/{document_id}").status_code == 401


def test_a_sibling_officer_gets_nothing_from_any_mutualaid_endpoint(
    call, filed, enrolment, luoyang_officer, plan
):
    claim_id = filed["id"]
    for path in (
        f"/api/mutualaid/claims/{claim_id}",
        f"/api/mutualaid/claims/{claim_id}/diagnosis",
    ):
        assert call(luoyang_officer, "get", path).status_code == 404, path
    assert act(call, luoyang_officer, claim_id, "submit").status_code == 404
    listed = call(luoyang_officer, "get", "/api/mutualaid/claims").json()
    queue = call(luoyang_officer, "get", "/api/mutualaid/claims", {"waiting": "true"}).json()
    assert listed["count"] == queue["count"] == 0
    plans = call(luoyang_officer, "get", "/api/mutualaid/plans").json()
    assert plans == []
    figures = call(luoyang_officer, "get", "/api/mutualaid/figures", {"year": 2026}).json()
    assert figures["org_code"] == "410300" and figures["enrolments"] == 0
    assert (
        call(
            luoyang_officer, "get", "/api/mutualaid/figures", {"year": 2026, "org": "411700"}
        ).status_code
        == 404
    )
    refused = call(
        luoyang_officer,
        "post",
        "/api/mutualaid/claims",
        {
            "enrolment": enrolment.pk,
            "category": "恶性肿瘤",
            "diagnosed_on": "2026-06-10",
            "hospital": "x",
            "diagnosis": "x",
            "claimed_fen": 100,
        },
    )
    assert refused.status_code == 404
    enrol = call(
        luoyang_officer,
        "post",
        "/api/mutualaid/enrolments",
        {
            "plan": plan.pk,
            "worker": enrolment.worker_id,
            "paid_on": str(datetime.date(2026, 1, 2)),
        },
    )
    assert enrol.status_code == 404


def test_a_plan_is_set_up_through_the_api_in_scope_only(
    call, zhumadian_officer, luoyang_officer, reviewer
):
    body = {
        "org": "411700",
        "year": 2027,
        "name": "2027年驻马店市职工重大疾病互助保障",
        "contribution_fen": 5000,
        "enrol_opens": "2026-11-01",
        "enrol_closes": "2027-03-31",
        "cover_starts": "2027-01-01",
        "cover_ends": "2027-12-31",
        "annual_cap_fen": 10_000_000,
        "waiting_days": 90,
        "benefits": {"恶性肿瘤": 5_000_000},
    }
    made = call(zhumadian_officer, "post", "/api/mutualaid/plans", body)
    assert made.status_code == 200 and made.json()["benefits"][0]["amount_yuan"] == "50000.00"
    assert call(luoyang_officer, "post", "/api/mutualaid/plans", body).status_code == 404
    assert call(reviewer, "post", "/api/mutualaid/plans", {**body, "year": 2028}).status_code == 403
    bad = call(
        zhumadian_officer,
        "post",
        "/api/mutualaid/plans",
        {**body, "year": 2029, "cover_ends": "2026-12-31"},
    )
    assert bad.status_code == 400
