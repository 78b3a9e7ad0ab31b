"""/api/rights end to end, transfer read access, and a sibling subtree getting nothing."""

import pytest

from gonghui.rights.tests.conftest import CONTRACTOR, USCC

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(call, yicheng_officer):
    answer = call(
        yicheng_officer,
        "post",
        "/api/rights/cases",
        {
            "org": "411702",
            "channel": "hotline",
            "employer_name": "驻马店某建筑劳务有限公司",
            "employer_uscc": USCC,
            "opened_on": "2026-01-05",
            "project": "驿城区安置房二期",
            "contractor_name": "某建工集团",
            "contractor_uscc": CONTRACTOR,
        },
    )
    assert answer.status_code == 200, answer.json()
    return answer.json()


def test_a_case_from_intake_to_closing_through_the_api(
    call, opened, make_worker, yicheng_officer, recorder
):
    case_id = opened["id"]
    zhang, li = make_worker("张东青"), make_worker("李四")
    added = call(
        yicheng_officer,
        "post",
        f"/api/rights/cases/{case_id}/workers",
        {
            "items": [
                {"worker": zhang.pk, "owed_fen": 1_200_000},
                {"worker": li.pk, "owed_fen": 800_000},
            ],
        },
    ).json()
    lines = {w["masked_name"]: w["case_worker_id"] for w in added["workers"]}
    assert set(lines) == {"张*青", "李*"}
    assert zhang.id_masked in str(added) and "张东青" not in str(added)
    call(yicheng_officer, "post", f"/api/rights/cases/{case_id}/actions", {"action": "investigate"})
    call(yicheng_officer, "post", f"/api/rights/cases/{case_id}/actions", {"action": "mediate"})
    instalments = {
        "items": [
            {
                "case_worker": lines["张*青"],
                "wages_fen": 1_200_000,
                "compensation_fen": 30_000,
                "recovered_on": "2026-03-01",
            },
            {"case_worker": lines["李*"], "wages_fen": 400_000, "recovered_on": "2026-03-02"},
        ]
    }
    path = f"/api/rights/cases/{case_id}/recoveries"
    # Four eyes: the officer who took the case in does not record its money.
    refused = call(yicheng_officer, "post", path, instalments)
    assert refused.status_code == 403 and refused.json()["code"] == "four_eyes"
    recovered = call(
        recorder,
        "post",
        path,
        {
            "items": [
                {
                    "case_worker": lines["张*青"],
                    "wages_fen": 1_200_000,
                    "compensation_fen": 30_000,
                    "recovered_on": "2026-03-01",
                },
                {"case_worker": lines["李*"], "wages_fen": 400_000, "recovered_on": "2026-03-02"},
            ]
        },
    ).json()
    assert {w["masked_name"]: w["wages_fen"] for w in recovered["workers"]} == {
        "张*青": 1_200_000,
        "李*": 400_000,
    }
    refused = call(
        yicheng_officer, "post", f"/api/rights/cases/{case_id}/actions", {"action": "close"}
    )
    assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
    closed = call(
        yicheng_officer,
        "post",
        f"/api/rights/cases/{case_id}/actions",
        {"action": "close", "reason": "李四余款企业无力支付"},
    ).json()
    assert (closed["state"], closed["outcome"]) == ("closed", "part")
    assert [s["action"] for s in closed["timeline"]] == [
        "create",
        "add_workers",
        "investigate",
        "mediate",
        "recover",
        "close",
    ]
    again = call(
        yicheng_officer, "post", f"/api/rights/cases/{case_id}/actions", {"action": "mediate"}
    )
    assert again.status_code == 409
    figures = call(yicheng_officer, "get", "/api/rights/figures", {"year": 2026}).json()
    assert (figures["workers"], figures["wages_fen"], figures["compensation_fen"]) == (
        2,
        1_600_000,
        30_000,
    )
    assert figures["total_units"] == "1.63万元"  # 16,300.00 元


def test_the_receiver_works_the_case_and_the_sender_only_reads(
    call, opened, yicheng_officer, staff
):
    case_id = opened["id"]
    receiver = staff("xiping", "411721")
    assert call(receiver, "get", f"/api/rights/cases/{case_id}").status_code == 404
    moved = call(
        yicheng_officer,
        "post",
        f"/api/rights/cases/{case_id}/transfer",
        {"to_org": "411721", "reason": "用工地在西平县"},
    )
    assert moved.status_code == 200 and moved.json()["may_act"] is False
    assert moved.json()["actions"] == []
    mine = call(receiver, "get", f"/api/rights/cases/{case_id}").json()
    assert mine["may_act"] is True and "investigate" in mine["actions"]
    queue = call(receiver, "get", "/api/rights/cases", {"waiting": "true"}).json()
    assert [c["id"] for c in queue["items"]] == [case_id]
    assert (
        call(yicheng_officer, "get", "/api/rights/cases", {"waiting": "true"}).json()["count"] == 0
    )
    assert call(yicheng_officer, "get", "/api/rights/cases").json()["count"] == 1
    denied = call(
        yicheng_officer, "post", f"/api/rights/cases/{case_id}/actions", {"action": "investigate"}
    )
    assert denied.status_code == 403


def test_a_sibling_officer_gets_nothing_from_any_rights_endpoint(
    call, opened, make_worker, luoyang_officer
):
    case_id = opened["id"]
    assert call(luoyang_officer, "get", f"/api/rights/cases/{case_id}").status_code == 404
    for tail, body in (
        ("actions", {"action": "investigate"}),
        ("workers", {"items": [{"worker": make_worker().pk, "owed_fen": 1}]}),
        (
            "recoveries",
            {"items": [{"case_worker": 1, "wages_fen": 1, "recovered_on": "2026-01-01"}]},
        ),
        ("transfer", {"to_org": "410302", "reason": "x"}),
    ):
        assert (
            call(luoyang_officer, "post", f"/api/rights/cases/{case_id}/{tail}", body).status_code
            == 404
        ), tail
    assert call(luoyang_officer, "get", "/api/rights/cases").json()["count"] == 0
    assert (
        call(luoyang_officer, "get", "/api/rights/cases", {"overdue": "true"}).json()["count"] == 0
    )
    figures = call(luoyang_officer, "get", "/api/rights/figures", {"year": 2026})
    assert figures.json()["org_code"] == "410300"
    assert call(luoyang_officer, "get", "/api/rights/figures", {"org": "411702"}).status_code == 404
    opened_there = call(
        luoyang_officer,
        "post",
        "/api/rights/cases",
        {
            "org": "411702",
            "channel": "hotline",
            "employer_name": "x",
            "employer_uscc": USCC,
            "opened_on": "2026-01-05",
        },
    )
    assert opened_there.status_code == 404


def test_workers_outside_the_officers_subtree_cannot_be_added(
    call, opened, make_worker, yicheng_officer
):
    outsider = make_worker("洛阳人", org="410302")
    answer = call(
        yicheng_officer,
        "post",
        f"/api/rights/cases/{opened['id']}/workers",
        {"items": [{"worker": outsider.pk, "owed_fen": 100}]},
    )
    assert answer.status_code == 404
