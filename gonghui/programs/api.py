"""/api/checkins, /api/programs, /api/points: thin handlers over the programs services.

A point or program the caller may not use is 404 (its existence is not
revealed); a refusal at the counter is 409 with the code, the message and the
worker's masked name; a role that may not check in is 403. Programmes and service
points are created as on their console pages: by a role that manages programmes, for
an org of the caller's subtree (403 otherwise, 404 for an org code it may not see).
"""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.errors import AuthenticationError
from ninja.pagination import paginate

from gonghui.accounts.bearer import TokenReadByView
from gonghui.accounts.selectors import staff_visible_to
from gonghui.core.errors import DomainError
from gonghui.core.rendered import json_answer
from gonghui.core.schemas import ErrorOut, Id, NotFoundOut, Pagination
from gonghui.core.views import client_ip
from gonghui.orgs.selectors import org_for
from gonghui.programs.models import ServicePoint
from gonghui.programs.offline import OfflineItem, upload_offline_batch
from gonghui.programs.schemas import (
    CheckInIn,
    CheckInOut,
    DayFiguresOut,
    OfflineBatchIn,
    OfflineBatchOut,
    OrgFiguresOut,
    PointOut,
    ProgramCreateIn,
    ProgramDetailOut,
    ProgramOut,
    RefusalOut,
    ServicePointCreateIn,
    yuan,
)
from gonghui.programs.selectors import (
    CheckInContext,
    budget_left_for,
    check_in_context,
    points_of_staff,
    points_visible_to,
    program_figures,
    program_for,
    programs_visible_to,
)
from gonghui.programs.services import (
    ServiceRefused,
    create_program,
    create_service_point,
    read_card,
    serve_cardholder,
)

WRITE_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: NotFoundOut}

checkins_router = Router(tags=["核销"])
programs_router = Router(tags=["服务项目"])
points_router = Router(tags=["服务点"])


def _points_usable_by(user):
    """A point's clerk uses their own points; everyone else the points in their subtree."""
    return points_of_staff(user) if user.can("checkin") else points_visible_to(user)


def _point_for(user, pk: int) -> ServicePoint:
    return get_object_or_404(_points_usable_by(user), pk=pk)


def _check_in_context(
    request: HttpRequest, *, point_id: int, program_id: int, worker_id: int | None
) -> CheckInContext:
    """What a check-in names, read with the caller's account: 401 when the token is no
    active account's, 404 when the caller may not use the point or the program."""
    context = check_in_context(
        request.auth, point_id=point_id, program_id=program_id, worker_id=worker_id
    )
    if context is None:
        raise AuthenticationError
    request.user = context.user
    return context


@checkins_router.post(
    "",
    response={200: CheckInOut, 403: ErrorOut, 404: NotFoundOut, 409: RefusalOut},
    auth=TokenReadByView(),
    url_name="checkin",
    summary="扫码核销",
)
def post_checkin(request: HttpRequest, payload: CheckInIn):
    """Check a worker in at a point for a program, at once: 200 with the masked name, or
    409 with the precise reason. Idempotent per ``request_id``: the same request again
    returns the same record (``repeated`` true)."""
    try:
        worker_id, unreadable = read_card(payload.token), None
    except ServiceRefused as refusal:
        worker_id, unreadable = None, refusal
    context = _check_in_context(
        request, point_id=payload.point, program_id=payload.program, worker_id=worker_id
    )
    user, point = context.user, context.point
    try:
        if unreadable is not None:
            raise unreadable
        served = serve_cardholder(
            by=user,
            point=point,
            program=context.program,
            worker=context.worker,
            facts=context.facts,
            request_id=payload.request_id or None,
            client_ip=client_ip(request),
        )
    except ServiceRefused as refusal:
        return json_answer(
            {
                "ok": False,
                "code": refusal.code,
                "message": refusal.message,
                "masked_name": refusal.masked_name,
            },
            status=409,
        )
    record = served.record
    # In CheckInOut's shape, rendered directly: see gonghui.core.rendered.
    return json_answer(
        {
            "ok": True,
            "masked_name": served.masked_name,
            "record_id": record.pk,
            "served_at": record.served_at,
            "point": point.pk,
            "point_name": point.name,
            "repeated": served.repeated,
        }
    )


@checkins_router.post(
    "/batch",
    response={200: OfflineBatchOut, 403: ErrorOut, 404: NotFoundOut},
    auth=TokenReadByView(),
    url_name="checkin_batch",
    summary="离线核销批量上传",
)
def post_checkin_batch(request: HttpRequest, payload: OfflineBatchIn):
    """Upload check-ins taken offline. Each item is judged on its own (its card token at
    its ``served_at``) and reported as recorded, repeated (uploaded before), duplicate
    (of an earlier item in this batch) or refused; nothing is counted twice."""
    context = _check_in_context(
        request, point_id=payload.point, program_id=payload.program, worker_id=None
    )
    report = upload_offline_batch(
        by=context.user,
        point=context.point,
        program=context.program,
        client_ip=client_ip(request),
        items=[OfflineItem(**item.dict()) for item in payload.items],
    )
    return {
        "recorded": report.recorded,
        "repeated": report.repeated,
        "duplicates": report.duplicates,
        "refused": report.refused,
        "items": [vars(item) for item in report.items],
    }


@programs_router.get("", response=list[ProgramOut], url_name="program_list", summary="服务项目列表")
@paginate(Pagination, max_limit=500)
def list_programs(request: HttpRequest):
    """Programs run in the caller's subtree and by the orgs above it."""
    return programs_visible_to(request.auth)


@programs_router.post(
    "",
    response={200: ProgramOut, **WRITE_ERRORS},
    url_name="program_create",
    summary="新建服务项目",
)
def post_program(request: HttpRequest, payload: ProgramCreateIn):
    """A programme run by an org of the caller's subtree for that org's subtree; its
    budget is set by the caller (so under four eyes another manager changes it)."""
    user = request.auth
    data = payload.dict()
    program = create_program(by=user, org=org_for(user, data.pop("org").strip()), **data)
    return program_for(user, program.pk)


@programs_router.post(
    "/{program_id}/points",
    response={200: PointOut, **WRITE_ERRORS},
    url_name="program_point_create",
    summary="新建服务点",
)
def post_point(request: HttpRequest, program_id: Id, payload: ServicePointCreateIn):
    """A service point of an org inside the programme's area offering the programme; the
    listed staff accounts (of the caller's subtree) check workers in there."""
    user = request.auth
    program = program_for(user, program_id)
    names = list(dict.fromkeys(n.strip() for n in payload.staff if n.strip()))
    staff = list(staff_visible_to(user, usernames=names))
    missing = sorted(set(names) - {s.username for s in staff})
    if missing:
        raise DomainError(
            "unknown_staff",
            f"以下账号不存在或不在您的管辖范围内：{'、'.join(missing)}",
            field="staff",
        )
    point = create_service_point(
        by=user,
        org=org_for(user, payload.org.strip()),
        name=payload.name.strip(),
        address=payload.address.strip(),
        programs=[program],
        staff=staff,
    )
    return _point_for(user, point.pk)


@programs_router.get(
    "/{program_id}",
    response={200: ProgramDetailOut, 404: NotFoundOut},
    url_name="program_detail",
    summary="服务项目详情与统计",
)
def get_program(request: HttpRequest, program_id: Id, org: str | None = None):
    """The program with its figures for the caller's part of the tree: distinct persons,
    person-times, amount, per child org and per day, and the budget left for callers who
    hold the whole program (null for the rest, as the budget is spent by the whole tree).
    ``org`` (a union code in that part) drills down."""
    user = request.auth
    program = program_for(user, program_id)
    figures = program_figures(user, program, org_code=org)
    left = budget_left_for(user, program)
    return {
        "program": program,
        "org_scope_code": figures.org.code,
        "persons": figures.persons,
        "person_times": figures.person_times,
        "amount_fen": figures.amount_fen,
        "amount_yuan": yuan(figures.amount_fen),
        "budget_left_fen": left,
        "budget_left_yuan": None if left is None else yuan(left),
        "children": [
            OrgFiguresOut(
                org_code=row.org.code,
                org_name=row.org.name,
                persons=row.persons,
                person_times=row.person_times,
                amount_fen=row.amount_fen,
                amount_yuan=yuan(row.amount_fen),
            )
            for row in figures.children
        ],
        "days": [
            DayFiguresOut(day=day, person_times=times, amount_fen=fen, amount_yuan=yuan(fen))
            for day, times, fen in figures.days
        ],
    }


@points_router.get("", response=list[PointOut], url_name="point_list", summary="服务点列表")
@paginate(Pagination, max_limit=500)
def list_points(request: HttpRequest):
    """Points the caller may check in at, with the programs each offers: a clerk's own
    points, or the points in an officer's subtree."""
    return _points_usable_by(request.auth).prefetch_related("programs").order_by("id")


@points_router.get(
    "/{point_id}",
    response={200: PointOut, 404: NotFoundOut},
    url_name="point_detail",
    summary="服务点详情",
)
def get_point(request: HttpRequest, point_id: Id):
    return _point_for(request.auth, point_id)
