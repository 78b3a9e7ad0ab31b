"""Four eyes on mutual-aid money: whoever filed, submitted or checked a claim does not approve
it, and whoever did any of that or approved it does not pay it, whatever door they use (the
service refuses, so pages, the API and imports do too); ``GONGHUI_FOUR_EYES=0`` lifts it."""

import pytest

from gonghui.audit.workflow import FourEyes
from gonghui.mutualaid.models import Claim, ClaimState, Payout
from gonghui.mutualaid.services import CLAIM_FLOW, approve_claim, move_claim, pay_claim

pytestmark = pytest.mark.django_db


def filed_and_checked(claim, filer, checker):
    made = claim()
    move_claim(by=filer, claim=made, action="submit")
    move_claim(by=checker, claim=made, action="check")
    return made


def test_the_admin_who_filed_a_claim_cannot_approve_it(claim, province_admin, yicheng_officer):
    # The province admin holds both roles; submitting it makes them one of its preparers.
    made = claim(category="急性心肌梗死")
    move_claim(by=province_admin, claim=made, action="submit")
    move_claim(by=yicheng_officer, claim=made, action="check")
    with pytest.raises(FourEyes) as caught:
        approve_claim(by=province_admin, claim=made)
    assert caught.value.code == "four_eyes" and caught.value.status == 403
    assert caught.value.message == "批准须由另一人办理：您已提交此互助金申请（双人复核）"
    assert Claim.objects.get(pk=made.pk).state == ClaimState.CHECKED


def test_the_checker_cannot_approve_and_is_not_offered_to(claim, province_admin, yicheng_officer):
    made = filed_and_checked(claim, yicheng_officer, province_admin)
    assert "approve" not in [t.name for t in CLAIM_FLOW.available(province_admin, made)]
    with pytest.raises(FourEyes) as caught:
        approve_claim(by=province_admin, claim=made)
    assert "基层核实" in caught.value.message
    assert Claim.objects.get(pk=made.pk).state == ClaimState.CHECKED


def test_the_approver_and_the_filer_cannot_pay_another_officer_can(
    claim, province_admin, yicheng_officer, zhumadian_officer, reviewer
):
    made = filed_and_checked(claim, yicheng_officer, yicheng_officer)
    approve_claim(by=province_admin, claim=made)
    for hands in (province_admin, yicheng_officer):
        with pytest.raises(FourEyes):
            pay_claim(by=hands, claim=Claim.objects.get(pk=made.pk))
    assert not Payout.objects.exists()
    payout = pay_claim(by=zhumadian_officer, claim=Claim.objects.get(pk=made.pk))
    assert payout.paid_by == zhumadian_officer and Claim.objects.get(pk=made.pk).state == "paid"


def test_the_rule_can_be_turned_off_by_the_setting(claim, province_admin, settings):
    settings.FOUR_EYES = False
    made = filed_and_checked(claim, province_admin, province_admin)
    approve_claim(by=province_admin, claim=made)
    assert pay_claim(by=province_admin, claim=made).paid_by == province_admin
