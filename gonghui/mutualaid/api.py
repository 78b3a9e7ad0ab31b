"""/api/mutualaid: plans, enrolments, claims (queue, detail with timeline, actions,
documents, diagnosis) and figures; thin handlers over the mutual-aid services.

A claim outside the caller's subtree is 404; a step the caller's role may not
take is 403; a step the claim's state no longer allows (someone was first) is
409 with the reason.
"""

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Router, UploadedFile
from ninja.pagination import paginate

from gonghui.core.money import fen_to_yuan, yuan_in_units
from gonghui.core.schemas import ErrorOut, Id, NotFoundOut, Pagination, Year
from gonghui.core.views import client_ip
from gonghui.members.selectors import mask_name, worker_for
from gonghui.mutualaid.schemas import (
    ActionIn,
    AidFiguresTreeOut,
    ClaimIn,
    ClaimOut,
    ClaimRowOut,
    DiagnosisOut,
    DocumentOut,
    MutualaidEnrolIn,
    MutualaidEnrolmentOut,
    PlanIn,
    PlanOut,
    ReviewIn,
    RosterOut,
)
from gonghui.mutualaid.selectors import (
    AidFigures,
    aid_figures,
    claim_detail,
    claim_for,
    claim_queue,
    claim_row,
    claims_visible_to,
    document_for,
    enrolment_for,
    plan_for,
    plans_visible_to,
    roster_for,
    roster_out,
    rosters_visible_to,
)
from gonghui.mutualaid.services import (
    act_on_claim,
    attach_document,
    create_plan,
    enrol_worker,
    file_claim,
    open_document,
    record_claim_view,
    reveal_diagnosis,
    review_roster,
)
from gonghui.orgs.selectors import org_for

router = Router(tags=["职工互助保障"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: NotFoundOut, 409: ErrorOut}


def _plan_out(plan) -> dict:
    return {
        **{
            f: getattr(plan, f)
            for f in (
                "id",
                "year",
                "name",
                "contribution_fen",
                "enrol_opens",
                "enrol_closes",
                "cover_starts",
                "cover_ends",
                "annual_cap_fen",
                "waiting_days",
            )
        },
        "org_code": plan.org.code,
        "benefits": [
            {
                "category": b.category,
                "amount_fen": b.amount_fen,
                "amount_yuan": str(fen_to_yuan(b.amount_fen)),
            }
            for b in plan.benefits.all()
        ],
    }


@router.get("/plans", response=list[PlanOut], url_name="aid_plan_list", summary="互助保障计划")
def list_plans(request: HttpRequest):
    """Plans run in the caller's subtree and by the orgs above it."""
    return [_plan_out(p) for p in plans_visible_to(request.auth).prefetch_related("benefits")]


@router.post(
    "/plans", response={200: PlanOut, **ERRORS}, url_name="aid_plan_create", summary="设立计划"
)
def post_plan(request: HttpRequest, payload: PlanIn):
    """A yearly plan run by an org of the caller's subtree for that org's subtree."""
    user = request.auth
    data = payload.dict()
    plan = create_plan(by=user, org=org_for(user, data.pop("org")), **data)
    return _plan_out(plan_for(user, plan.pk))


@router.post(
    "/enrolments",
    response={200: MutualaidEnrolmentOut, **ERRORS},
    url_name="aid_enrol",
    summary="参保",
)
def post_enrolment(request: HttpRequest, payload: MutualaidEnrolIn):
    """Enrol one worker of the caller's subtree; the contribution is recorded on ``paid_on``."""
    user = request.auth
    enrolment = enrol_worker(
        by=user,
        plan=plan_for(user, payload.plan),
        worker=worker_for(user, payload.worker),
        paid_on=payload.paid_on,
        client_ip=client_ip(request),
    )
    return {
        **{
            f: getattr(enrolment, f)
            for f in ("id", "year", "contribution_fen", "paid_on", "cover_starts", "cover_ends")
        },
        "plan": enrolment.plan_id,
        "masked_name": mask_name(enrolment.worker.name),
    }


@router.get("/claims", response=list[ClaimRowOut], url_name="aid_claim_list", summary="互助金申请")
@paginate(Pagination, max_limit=500)
def list_claims(request: HttpRequest, state: str | None = None, waiting: bool = False):
    """Claims in the caller's subtree (``state`` filters); ``waiting=true`` is the caller's
    queue: the claims waiting for their role, oldest first."""
    user = request.auth
    claims = claim_queue(user) if waiting else claims_visible_to(user, state=state)
    return [claim_row(c) for c in claims]


def _detail(request: HttpRequest, claim) -> dict:
    record_claim_view(by=request.auth, claim=claim, client_ip=client_ip(request))
    return claim_detail(request.auth, claim)


@router.post(
    "/claims", response={200: ClaimOut, **ERRORS}, url_name="aid_claim_file", summary="申请互助金"
)
def post_claim(request: HttpRequest, payload: ClaimIn):
    """File a draft claim for an enrolled worker; submit it with the ``submit`` action."""
    user = request.auth
    claim = file_claim(
        by=user,
        enrolment=enrolment_for(user, payload.enrolment),
        category=payload.category,
        diagnosed_on=payload.diagnosed_on,
        hospital=payload.hospital,
        diagnosis=payload.diagnosis,
        claimed_fen=payload.claimed_fen,
        client_ip=client_ip(request),
    )
    return _detail(request, claim_for(user, claim.pk))


@router.get(
    "/claims/{claim_id}",
    response={200: ClaimOut, 404: NotFoundOut},
    url_name="aid_claim_detail",
    summary="申请详情与流程记录",
)
def get_claim(request: HttpRequest, claim_id: Id):
    """The claim, the rule behind its amount, the caller's possible actions and its timeline;
    every opening is audited."""
    return _detail(request, claim_for(request.auth, claim_id))


@router.post(
    "/claims/{claim_id}/actions",
    response={200: ClaimOut, **ERRORS},
    url_name="aid_claim_action",
    summary="办理申请（提交、核实、批准、退回、不予给付、发放）",
)
def post_claim_action(request: HttpRequest, claim_id: Id, payload: ActionIn):
    user = request.auth
    claim = claim_for(user, claim_id)
    act_on_claim(
        by=user,
        claim=claim,
        action=payload.action,
        reason=payload.reason,
        amount_fen=payload.amount_fen,
        client_ip=client_ip(request),
    )
    return _detail(request, claim_for(user, claim_id))


@router.get(
    "/claims/{claim_id}/diagnosis",
    response={200: DiagnosisOut, 403: ErrorOut, 404: NotFoundOut},
    url_name="aid_claim_diagnosis",
    summary="诊断（仅限审核人，留痕）",
)
def get_diagnosis(request: HttpRequest, claim_id: Id):
    user = request.auth
    claim = claim_for(user, claim_id)
    return {"diagnosis": reveal_diagnosis(by=user, claim=claim, client_ip=client_ip(request))}


@router.post(
    "/claims/{claim_id}/documents",
    response={200: DocumentOut, **ERRORS},
    url_name="aid_document_upload",
    summary="上传申请材料（PDF/JPEG/PNG）",
)
def post_document(request: HttpRequest, claim_id: Id, file: File[UploadedFile]):
    user = request.auth
    claim = claim_for(user, claim_id)
    return attach_document(
        by=user,
        claim=claim,
        filename=file.name or "",
        data=file.read(),
        client_ip=client_ip(request),
    )


@router.get(
    "/documents/{document_id}",
    response={403: ErrorOut, 404: NotFoundOut},
    url_name="aid_document",
    summary="下载申请材料（留痕）",
)
def get_document(request: HttpRequest, document_id: Id):
    user = request.auth
    document = document_for(user, document_id)
    data = open_document(by=user, document=document, client_ip=client_ip(request))
    return document_response(document, data)


def document_response(document, data: bytes) -> HttpResponse:
    """The document as a download: never rendered inline, never cached."""
    response = HttpResponse(data, content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/rosters", response=list[RosterOut], url_name="aid_roster_list", summary="批量参保名册"
)
def list_rosters(request: HttpRequest):
    """Rosters submitted in the caller's subtree: its own, and those below it awaiting review."""
    return [roster_out(r) for r in rosters_visible_to(request.auth)[:200]]


@router.post(
    "/rosters/{roster_id}/review",
    response={200: RosterOut, **ERRORS},
    url_name="aid_roster_review",
    summary="审核批量参保名册（上级工会）",
)
def post_review(request: HttpRequest, roster_id: Id, payload: ReviewIn):
    """Accept every row but those returned (row number → reason); accepted rows are enrolled."""
    user = request.auth
    roster = roster_for(user, roster_id)
    review_roster(by=user, roster=roster, returned=payload.returned, client_ip=client_ip(request))
    return roster_out(roster_for(user, roster_id))


def figures_out(figures: AidFigures) -> dict:
    return {
        "org_code": figures.org.code,
        "org_name": figures.org.name,
        "year": figures.year,
        "enrolments": figures.enrolments,
        "payees": figures.payees,
        "payouts": figures.payouts,
        "paid_fen": figures.paid_fen,
        "paid_yuan": str(fen_to_yuan(figures.paid_fen)),
        "paid_units": yuan_in_units(figures.paid_fen),
    }


@router.get(
    "/figures",
    response={200: AidFiguresTreeOut, 404: NotFoundOut},
    url_name="aid_figures",
    summary="互助保障统计",
)
def get_figures(request: HttpRequest, year: Year | None = None, org: str | None = None):
    """Enrolments (person-years), distinct payees, payouts and amount paid for a plan year in
    the caller's subtree (``org`` drills down), with one line per child org."""
    figures = aid_figures(request.auth, year=year or datetime.date.today().year, org_code=org)
    return {**figures_out(figures), "children": [figures_out(c) for c in figures.children]}
