"""Shapes of /api/rights. Money leaves exact: integer fen and a yuan string; workers
appear only by masked name and masked ID number."""

import datetime

from ninja import Field, Schema

from gonghui.core.schemas import Fen, Id, InSchema, PositiveFen


class CaseIn(InSchema):
    org: str = Field(description="承办组织代码（在您的管辖范围内）")
    channel: str = Field(description="hotline（12351热线）, walk_in, online, referred")
    employer_name: str = Field(max_length=200)
    employer_uscc: str = Field(max_length=18, description="用人单位统一社会信用代码")
    opened_on: datetime.date
    project: str = Field("", max_length=200, description="工程项目（建设领域）")
    contractor_name: str = Field("", max_length=200, description="施工总承包单位")
    contractor_uscc: str = Field("", max_length=18)
    summary: str = Field("", max_length=2000)


class CaseActionIn(InSchema):
    action: str = Field(description="investigate, mediate, refer, close")
    reason: str = Field("", max_length=500, description="结案时必填")
    referral: str = Field("", description="移送时：arbitration 或 litigation")
    external_body: str = Field("", max_length=200, description="移送时：受理的仲裁委或法院")


class OwedIn(InSchema):
    worker: Id = Field(description="职工编号（在您的管辖范围内）")
    owed_fen: PositiveFen


class WorkersIn(InSchema):
    items: list[OwedIn] = Field(min_length=1, max_length=5000)


class InstalmentIn(InSchema):
    case_worker: Id = Field(description="涉案职工编号（案件详情 workers[].case_worker_id）")
    wages_fen: Fen
    compensation_fen: Fen = 0
    recovered_on: datetime.date


class RecoveriesIn(InSchema):
    items: list[InstalmentIn] = Field(min_length=1, max_length=5000)


class TransferIn(InSchema):
    to_org: str = Field(description="接收组织代码")
    reason: str = Field(max_length=500)


class CaseRowOut(Schema):
    id: int
    org_code: str
    org_name: str
    channel: str
    employer_name: str
    project: str
    state: str
    state_label: str
    outcome: str
    opened_on: datetime.date
    last_progress_at: datetime.datetime
    overdue: bool


class WorkerLineOut(Schema):
    case_worker_id: int
    masked_name: str
    id_masked: str
    owed_fen: int
    wages_fen: int
    compensation_fen: int
    instalments: int


class RightsStepOut(Schema):
    action: str
    action_label: str
    to_state: str
    by: str
    at: datetime.datetime
    reason: str


class CaseOut(CaseRowOut):
    intake_org_code: str
    employer_uscc: str
    contractor_name: str
    contractor_uscc: str
    referral: str
    external_body: str
    may_act: bool = Field(description="当前用户所在组织承办本案（移交方只读）")
    actions: list[str]
    workers: list[WorkerLineOut]
    timeline: list[RightsStepOut]


class RightsFiguresOut(Schema):
    org_code: str
    org_name: str
    year: int
    workers: int = Field(description="追回工资的职工人数（去重）")
    instalments: int
    wages_fen: int
    compensation_fen: int
    total_fen: int
    total_yuan: str
    total_units: str = Field(description="按万/亿四舍五入，如17.13亿元")


class RightsFiguresTreeOut(RightsFiguresOut):
    children: list[RightsFiguresOut]
