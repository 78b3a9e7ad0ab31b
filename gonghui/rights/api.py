"""/api/rights: wage-arrears cases (queue, detail with timeline, steps, workers,
recoveries, transfer) and figures; thin handlers over the rights services.

A case the caller's subtree neither handles nor handed on is 404; a step by a
role that may not take it, or by the sender of a transferred case, is 403; a
step the case's state no longer allows is 409.
"""

import datetime

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate

from gonghui.core.money import fen_to_yuan, yuan_in_units
from gonghui.core.schemas import ErrorOut, Id, NotFoundOut, Pagination, Year
from gonghui.core.views import client_ip
from gonghui.members.selectors import workers_visible_to
from gonghui.orgs.selectors import org_for, org_to_hand_over_to
from gonghui.rights.schemas import (
    CaseActionIn,
    CaseIn,
    CaseOut,
    CaseRowOut,
    RecoveriesIn,
    RightsFiguresTreeOut,
    TransferIn,
    WorkersIn,
)
from gonghui.rights.selectors import (
    RightsFigures,
    case_detail,
    case_for,
    case_queue,
    case_row,
    cases_visible_to,
    overdue_before,
    rights_figures,
)
from gonghui.rights.services import (
    Instalment,
    WorkerOwed,
    add_workers,
    move_case,
    open_case,
    record_recoveries,
    transfer_case,
)

router = Router(tags=["欠薪维权"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: NotFoundOut, 409: ErrorOut}


@router.get("/cases", response=list[CaseRowOut], url_name="rights_case_list", summary="欠薪案件")
@paginate(Pagination, max_limit=500)
def list_cases(
    request: HttpRequest, state: str | None = None, waiting: bool = False, overdue: bool = False
):
    """Cases the caller's subtree handles or handed on (``state`` filters); ``waiting=true``
    is the caller's queue, least recently progressed first; ``overdue=true`` keeps the open
    cases idle past GONGHUI_RIGHTS_OVERDUE_DAYS."""
    user = request.auth
    cases = case_queue(user) if waiting else cases_visible_to(user, state=state)
    since = overdue_before()
    rows = [case_row(c, overdue_since=since) for c in cases]
    return [r for r in rows if r["overdue"]] if overdue else rows


def _detail(user, pk: int) -> dict:
    return case_detail(user, case_for(user, pk))


@router.post(
    "/cases", response={200: CaseOut, **ERRORS}, url_name="rights_case_open", summary="受理案件"
)
def post_case(request: HttpRequest, payload: CaseIn):
    user = request.auth
    data = payload.dict()
    org = org_for(user, data.pop("org"))
    case = open_case(by=user, org=org, client_ip=client_ip(request), **data)
    return _detail(user, case.pk)


@router.get(
    "/cases/{case_id}",
    response={200: CaseOut, 404: NotFoundOut},
    url_name="rights_case_detail",
    summary="案件详情与流程记录",
)
def get_case(request: HttpRequest, case_id: Id):
    return _detail(request.auth, case_id)


@router.post(
    "/cases/{case_id}/actions",
    response={200: CaseOut, **ERRORS},
    url_name="rights_case_action",
    summary="办理（调查、调解、移送、结案）",
)
def post_action(request: HttpRequest, case_id: Id, payload: CaseActionIn):
    user = request.auth
    move_case(by=user, case=case_for(user, case_id), client_ip=client_ip(request), **payload.dict())
    return _detail(user, case_id)


@router.post(
    "/cases/{case_id}/workers",
    response={200: CaseOut, **ERRORS},
    url_name="rights_case_workers",
    summary="登记涉案职工及欠薪金额（全部或全不）",
)
def post_workers(request: HttpRequest, case_id: Id, payload: WorkersIn):
    user = request.auth
    case = case_for(user, case_id)
    ids = {item.worker for item in payload.items}
    if workers_visible_to(user).filter(pk__in=ids).count() != len(ids):
        raise Http404
    add_workers(
        by=user,
        case=case,
        client_ip=client_ip(request),
        rows=[WorkerOwed(i.worker, i.owed_fen) for i in payload.items],
    )
    return _detail(user, case_id)


@router.post(
    "/cases/{case_id}/recoveries",
    response={200: CaseOut, **ERRORS},
    url_name="rights_case_recoveries",
    summary="登记追回（工资、赔偿金分列，可分多笔）",
)
def post_recoveries(request: HttpRequest, case_id: Id, payload: RecoveriesIn):
    user = request.auth
    items = [
        Instalment(i.case_worker, i.wages_fen, i.compensation_fen, i.recovered_on)
        for i in payload.items
    ]
    record_recoveries(
        by=user, case=case_for(user, case_id), items=items, client_ip=client_ip(request)
    )
    return _detail(user, case_id)


@router.post(
    "/cases/{case_id}/transfer",
    response={200: CaseOut, **ERRORS},
    url_name="rights_case_transfer",
    summary="移交其他组织承办",
)
def post_transfer(request: HttpRequest, case_id: Id, payload: TransferIn):
    user = request.auth
    transfer_case(
        by=user,
        case=case_for(user, case_id),
        to_org=org_to_hand_over_to(payload.to_org),
        reason=payload.reason,
        client_ip=client_ip(request),
    )
    return _detail(user, case_id)


def figures_out(f: RightsFigures) -> dict:
    return {
        "org_code": f.org.code,
        "org_name": f.org.name,
        "year": f.year,
        "workers": f.workers,
        "instalments": f.instalments,
        "wages_fen": f.wages_fen,
        "compensation_fen": f.compensation_fen,
        "total_fen": f.total_fen,
        "total_yuan": str(fen_to_yuan(f.total_fen)),
        "total_units": yuan_in_units(f.total_fen),
    }


@router.get(
    "/figures",
    response={200: RightsFiguresTreeOut, 404: NotFoundOut},
    url_name="rights_figures",
    summary="维权统计",
)
def get_figures(request: HttpRequest, year: Year | None = None, org: str | None = None):
    """Distinct workers helped and amounts recovered (wages, compensation, total) for a year
    in the caller's subtree (``org`` drills down), with one line per child org."""
    figures = rights_figures(request.auth, year=year or datetime.date.today().year, org_code=org)
    return {**figures_out(figures), "children": [figures_out(c) for c in figures.children]}
