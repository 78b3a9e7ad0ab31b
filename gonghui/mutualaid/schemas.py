"""Shapes of /api/mutualaid. Money leaves exact: integer fen and a yuan string.

Lists carry no health data (no illness category, no diagnosis); a claim's own
answer carries the category and hospital, and the diagnosis only through its
own endpoint for reviewers.
"""

import datetime

from ninja import Field, Schema

from gonghui.core.schemas import Count, Fen, Id, InSchema, PositiveFen, Year


class BenefitOut(Schema):
    category: str
    amount_fen: int
    amount_yuan: str


class PlanOut(Schema):
    id: int
    year: int
    name: str
    org_code: str
    contribution_fen: int
    enrol_opens: datetime.date
    enrol_closes: datetime.date
    cover_starts: datetime.date
    cover_ends: datetime.date
    annual_cap_fen: int
    waiting_days: int
    benefits: list[BenefitOut]


class PlanIn(InSchema):
    org: str = Field(description="主办组织代码（在您的管辖范围内）")
    year: Year
    name: str = Field(min_length=1, max_length=100)
    contribution_fen: PositiveFen = Field(description="每人缴费（分）")
    enrol_opens: datetime.date
    enrol_closes: datetime.date
    cover_starts: datetime.date
    cover_ends: datetime.date
    annual_cap_fen: PositiveFen = Field(description="每人年度最高互助金（分）")
    waiting_days: int = Field(ge=0, le=365, description="参保（缴费）后的等待期")
    benefits: dict[str, Fen] = Field(description="疾病类别 → 给付标准（分）")


class MutualaidEnrolIn(InSchema):
    plan: Id = Field(description="互助保障计划编号")
    worker: Id = Field(description="职工编号")
    paid_on: datetime.date = Field(description="缴费日期（保障自此开始）")


class MutualaidEnrolmentOut(Schema):
    id: int
    plan: int
    masked_name: str
    year: int
    contribution_fen: int
    paid_on: datetime.date
    cover_starts: datetime.date
    cover_ends: datetime.date


class ClaimIn(InSchema):
    enrolment: Id = Field(description="参保记录编号")
    category: str = Field(max_length=50, description="疾病类别（须为计划给付标准中的类别）")
    diagnosed_on: datetime.date
    hospital: str = Field(max_length=100)
    diagnosis: str = Field(max_length=500, description="诊断（健康信息，加密保存）")
    claimed_fen: PositiveFen = Field(description="申请金额（分）")


class ActionIn(InSchema):
    action: str = Field(description="submit, check, approve, return, resubmit, reject, pay")
    reason: str = Field("", max_length=500, description="退回、不予给付和酌减批准时必填")
    amount_fen: Fen | None = Field(None, description="批准金额（分），不填为规则金额；只能调低")


class ClaimRowOut(Schema):
    id: int
    masked_name: str
    org_code: str
    org_name: str
    state: str
    state_label: str
    claimed_fen: int
    approved_fen: int | None
    state_changed_at: datetime.datetime


class MutualaidStepOut(Schema):
    action: str
    action_label: str
    from_state: str
    to_state: str
    by: str
    at: datetime.datetime
    reason: str
    version: dict


class DocumentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime.datetime


class ClaimOut(ClaimRowOut):
    year: int
    category: str
    diagnosed_on: datetime.date
    hospital: str
    rule_fen: int | None
    rule_text: str
    approved_yuan: str | None
    payout_reference: str | None
    actions: list[str] = Field(description="当前用户此刻可做的操作")
    documents: list[DocumentOut]
    timeline: list[MutualaidStepOut]


class DiagnosisOut(Schema):
    diagnosis: str


class AidFiguresOut(Schema):
    org_code: str
    org_name: str
    year: int
    enrolments: int = Field(description="参保人次（人·年）")
    payees: int = Field(description="受助人数（去重）")
    payouts: int = Field(description="发放笔数")
    paid_fen: int
    paid_yuan: str
    paid_units: str = Field(description="按万/亿四舍五入的金额，如1.3亿元")


class AidFiguresTreeOut(AidFiguresOut):
    children: list[AidFiguresOut]


class RosterRowOut(Schema):
    row_number: int
    masked_name: str
    paid_on: datetime.date
    decision: str
    reason: str


class RosterOut(Schema):
    id: int
    plan: int
    org_code: str
    filename: str
    state: str
    submitted_at: datetime.datetime
    rows: list[RosterRowOut]


class ReviewIn(InSchema):
    returned: dict[Count, str] = Field(
        default_factory=dict, description="退回的行：行号 → 理由；其余行全部通过"
    )
