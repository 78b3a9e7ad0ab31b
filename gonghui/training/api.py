"""/api/training: classes, enrolments, competition rankings and training-fund projects, thin
handlers over the training services.

A class or enrolment the caller may not see is 404; a refusal (not eligible,
ended class, not the caller's worker) is the service's 4xx with its code and
Chinese message. Workers are named by id and appear only with masked names.
"""

import datetime
from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from gonghui.core.schemas import ErrorOut, Id, InSchema, NotFoundOut, Pagination, PositiveCount
from gonghui.core.views import client_ip
from gonghui.members.selectors import mask_name, worker_for
from gonghui.orgs.selectors import org_for
from gonghui.training.competitions import (
    Ranked,
    competition_for,
    competitions_visible_to,
    entries_of,
    ranking_visible_to,
    record_score,
)
from gonghui.training.funds import (
    fund_project_for,
    fund_projects_visible_to,
    spendings_of,
    trainees_of,
)
from gonghui.training.models import MAX_CAPACITY, MIN_CAPACITY, Channel, Enrolment
from gonghui.training.selectors import (
    class_for,
    classes_visible_to,
    enrolment_for,
    waiting_position,
)
from gonghui.training.services import cancel_enrolment, enrol, open_class

router = Router(tags=["职工夜校"])

Weekday = Annotated[int, Field(ge=1, le=7, description="ISO星期：1=周一 … 7=周日")]


class ClassOut(Schema):
    id: int
    name: str
    course: str = Field(alias="course.name")
    subject: str = Field(alias="course.subject.name")
    org_code: str = Field(alias="org.code")
    teacher: str
    room: str
    weekdays: str = Field(description="ISO星期，逗号分隔：1=周一 … 7=周日")
    starts_at: datetime.time
    ends_at: datetime.time
    term_starts: datetime.date
    term_ends: datetime.date
    capacity: int
    enrolled_count: int
    lottery: bool
    lottery_drawn: bool


class TrainingEnrolIn(InSchema):
    worker_id: Id = Field(description="职工编号（须在调用者管辖范围内）")


class TrainingEnrolmentOut(Schema):
    id: int
    class_id: int
    masked_name: str
    state: str = Field(description="enrolled 已录取 / waiting 候补 / cancelled 已取消")
    waiting_position: int | None = Field(description="候补第N位；未候补时为空")
    queue_no: int = Field(description="报名序号（到达顺序；摇号后为抽签顺序）")
    created: bool = Field(True, description="false：该职工此前已报名，返回原报名")


def _out(enrolment: Enrolment, *, created: bool = True) -> dict:
    return {
        "id": enrolment.pk,
        "class_id": enrolment.klass_id,
        "masked_name": mask_name(enrolment.worker.name),
        "state": enrolment.state,
        "waiting_position": waiting_position(enrolment),
        "queue_no": enrolment.queue_no,
        "created": created,
    }


@router.get("/classes", response=list[ClassOut], url_name="class_list", summary="班级列表")
@paginate(Pagination, max_limit=500)
def list_classes(request: HttpRequest):
    """Classes run in the caller's subtree and by the orgs above it."""
    return classes_visible_to(request.auth)


class TrainingClassIn(InSchema):
    org: str = Field(max_length=20, description="开班组织代码（在您的管辖范围内）")
    subject: str = Field(min_length=1, max_length=50, description="科目，如 书法、戏曲、太极")
    course: str = Field(
        min_length=1, max_length=100, description="课程名称；该组织已有同名课程时沿用"
    )
    name: str = Field(min_length=1, max_length=100, description="班级名称")
    teacher: str = Field(min_length=1, max_length=50)
    room: str = Field(min_length=1, max_length=100)
    weekdays: list[Weekday] = Field(min_length=1, max_length=7, description="每周上课日")
    starts_at: datetime.time
    ends_at: datetime.time
    term_starts: datetime.date
    term_ends: datetime.date
    capacity: int = Field(ge=MIN_CAPACITY, le=MAX_CAPACITY, description="名额")
    lottery: bool = Field(False, description="true：先收集报名，工作人员摇号后录取")
    certificate_sessions: PositiveCount | None = Field(
        None, description="结业所需出勤次数；为空时取总课次的80%"
    )


@router.post(
    "/classes",
    response={201: ClassOut, 400: ErrorOut, 403: ErrorOut, 404: NotFoundOut},
    url_name="class_create",
    summary="开设班级",
)
def post_class(request: HttpRequest, payload: TrainingClassIn):
    """A class run by an org of the caller's subtree, with its sessions (the province's
    holidays skipped), through the same service as the console's form."""
    user = request.auth
    terms = payload.dict()
    org = org_for(user, terms.pop("org").strip())
    klass = open_class(
        by=user,
        org=org,
        subject=terms.pop("subject"),
        course_name=terms.pop("course"),
        client_ip=client_ip(request),
        **terms,
    )
    return Status(201, klass)


@router.get(
    "/classes/{class_id}",
    response={200: ClassOut, 404: NotFoundOut},
    url_name="class_detail",
    summary="班级详情",
)
def get_class(request: HttpRequest, class_id: Id):
    return class_for(request.auth, class_id)


@router.post(
    "/classes/{class_id}/enrolments",
    response={200: TrainingEnrolmentOut, 400: ErrorOut, 403: ErrorOut, 404: NotFoundOut},
    url_name="class_enrol",
    summary="为职工报名",
)
def post_enrolment(request: HttpRequest, class_id: Id, payload: TrainingEnrolIn):
    """Apply for a worker: a seat if one is free, else the waiting list (same rule as every
    other path). Applying again for the same worker returns the live application."""
    user = request.auth
    klass = class_for(user, class_id)
    worker = worker_for(user, payload.worker_id)
    done = enrol(
        by=user, klass=klass, worker=worker, channel=Channel.API, client_ip=client_ip(request)
    )
    return _out(done.enrolment, created=done.created)


@router.post(
    "/enrolments/{enrolment_id}/cancel",
    response={200: TrainingEnrolmentOut, 400: ErrorOut, 403: ErrorOut, 404: NotFoundOut},
    url_name="enrolment_cancel",
    summary="取消报名",
)
def post_cancel(request: HttpRequest, enrolment_id: Id):
    """Cancel; a freed seat goes at once to the first on the waiting list."""
    user = request.auth
    enrolment = enrolment_for(user, enrolment_id)
    cancel_enrolment(by=user, enrolment=enrolment, client_ip=client_ip(request))
    return _out(enrolment)


class CompetitionOut(Schema):
    id: int
    name: str
    tier: str
    trade: str
    org_code: str = Field(alias="org.code")
    held_on: datetime.date
    theory_weight: int = Field(description="理论成绩权重（%），其余为实操")


class RankedOut(Schema):
    rank: int | None = Field(description="名次；并列者相同，其后名次顺延；成绩不全为空")
    masked_name: str
    org_code: str
    theory: str | None = Field(description="理论平均分，四舍五入到两位小数")
    practical: str | None
    total: str | None = Field(description="加权总分（排名按未舍入的精确值）")


@router.get(
    "/competitions",
    response=list[CompetitionOut],
    url_name="competition_list",
    summary="技能竞赛列表",
)
@paginate(Pagination, max_limit=500)
def list_competitions(request: HttpRequest):
    return competitions_visible_to(request.auth)


@router.get(
    "/competitions/{competition_id}/ranking",
    response={200: list[RankedOut], 404: NotFoundOut},
    url_name="competition_ranking",
    summary="竞赛排名",
)
def get_ranking(request: HttpRequest, competition_id: Id):
    """The ranking over every entry, listing the caller's subtree's workers (names masked)."""
    user = request.auth
    competition = competition_for(user, competition_id)

    def shown(value) -> str | None:
        return None if value is None else Ranked.shown(value)

    return [
        {
            "rank": row.rank,
            "masked_name": mask_name(row.entry.worker.name),
            "org_code": row.entry.worker.org.code,
            "theory": shown(row.theory),
            "practical": shown(row.practical),
            "total": shown(row.total),
        }
        for row in ranking_visible_to(user, competition)
    ]


class ScoreIn(InSchema):
    entry_id: Id = Field(description="参赛报名编号（须属于该竞赛）")
    judge: str = Field(description="评委姓名（最多50字）")
    part: str = Field(description="theory 理论 / practical 实操")
    points: str | float = Field(description='0至100，最多两位小数（建议以字符串传递，如 "86.5"）')


class ScoreOut(Schema):
    entry_id: int
    masked_name: str
    judge: str
    part: str
    points: str = Field(description="两位小数")
    change: str = Field(
        description="created 新登记 / updated 更正了该评委原评分 / unchanged 与原评分相同"
    )


@router.post(
    "/competitions/{competition_id}/scores",
    response={200: ScoreOut, 400: ErrorOut, 403: ErrorOut, 404: NotFoundOut},
    url_name="competition_score",
    summary="登记评分",
)
def post_score(request: HttpRequest, competition_id: Id, payload: ScoreIn):
    """One judge's mark for one part of one entry (same service as the page and the import):
    marking again replaces the judge's mark; the same mark again changes nothing."""
    user = request.auth
    competition = competition_for(user, competition_id)
    entry = entries_of(competition).filter(pk=payload.entry_id).first()
    if entry is None:
        raise Http404
    marked = record_score(
        by=user,
        entry=entry,
        judge=payload.judge,
        part=payload.part,
        points=payload.points,
        client_ip=client_ip(request),
    )
    score = marked.score
    return {
        "entry_id": entry.pk,
        "masked_name": mask_name(entry.worker.name),
        "judge": score.judge,
        "part": score.part,
        "points": str(score.points),
        "change": marked.change,
    }


class FundProjectOut(Schema):
    id: int
    name: str
    kind: str = Field(
        description="diploma 学历提升 / skill 职业技能培训 / certificate 技能等级认定 / other"
    )
    org_code: str = Field(alias="org.code")
    employer: str = Field(alias="employer.name")
    employer_uscc: str = Field(alias="employer.uscc")
    provider: str = Field(description="合作院校/培训机构")
    starts_on: datetime.date
    ends_on: datetime.date
    budget_fen: int = Field(description="预算（分）")
    spent_fen: int = Field(description="已支出（分）")
    left_fen: int = Field(description="结余（分）")


class FundTraineeOut(Schema):
    id: int
    masked_name: str
    org_code: str
    joined_on: datetime.date
    outcomes: dict[str, datetime.date] = Field(
        description="结果 → 日期：completed 结业 / certified 取得证书/学历 / "
        "skill_raised 技能等级提升 / dropped 中途退出"
    )


class FundSpendingOut(Schema):
    spent_on: datetime.date
    amount_fen: int
    purpose: str


class FundProjectDetailOut(FundProjectOut):
    trainees: list[FundTraineeOut]
    spendings: list[FundSpendingOut]

    @staticmethod
    def resolve_trainees(project) -> list[dict]:
        return [
            {
                "id": t.pk,
                "masked_name": mask_name(t.worker.name),
                "org_code": t.worker.org.code,
                "joined_on": t.joined_on,
                "outcomes": {k: o.on for k, o in t.results.items()},
            }
            for t in trainees_of(project)
        ]

    @staticmethod
    def resolve_spendings(project) -> list:
        return list(spendings_of(project))


@router.get(
    "/funds", response=list[FundProjectOut], url_name="fund_list", summary="培训资助项目列表"
)
@paginate(Pagination, max_limit=500)
def list_funds(request: HttpRequest):
    """Projects funded by orgs in the caller's subtree."""
    return fund_projects_visible_to(request.auth)


@router.get(
    "/funds/{project_id}",
    response={200: FundProjectDetailOut, 404: NotFoundOut},
    url_name="fund_detail",
    summary="培训资助项目详情",
)
def get_fund(request: HttpRequest, project_id: Id):
    """A project with its trainees (names masked) and their outcomes, and its spending."""
    return fund_project_for(request.auth, project_id)
