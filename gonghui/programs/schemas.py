"""Shapes of /api/checkins, /api/programs and /api/points.

A service point sees nothing of a worker but the masked name. Money leaves
the server twice, exact: integer fen and a yuan string with two decimals.
"""

import datetime
from typing import Annotated

from ninja import Field, Schema

from gonghui.core.money import fen_to_yuan
from gonghui.core.schemas import Count, Fen, Id, InSchema
from gonghui.programs.models import Frequency, ProgramKind, ReportLine, WhenExhausted

MAX_BATCH = 1000


class CheckInIn(InSchema):
    point: Id = Field(description="服务点编号")
    program: Id = Field(description="服务项目编号")
    token: str = Field(max_length=200, description="职工工会卡二维码内容")
    request_id: str | None = Field(
        None, max_length=64, description="客户端生成的请求编号；同一编号重复提交返回同一条记录"
    )


class CheckInOut(Schema):
    ok: bool = True
    masked_name: str = Field(description="职工姓名（脱敏）")
    record_id: int
    served_at: datetime.datetime
    point: int
    point_name: str
    repeated: bool = Field(False, description="同一请求编号的重复提交（未重复记录）")


class RefusalOut(Schema):
    """A precise refusal the person at the counter can read out."""

    ok: bool = False
    code: str = Field(
        description="card_invalid, card_expired, not_eligible, already_served, "
        "program_inactive, budget_exhausted, point_not_in_program"
    )
    message: str
    masked_name: str = ""


class OfflineItemIn(InSchema):
    token: str | None = Field(None, max_length=200, description="扫到的工会卡二维码内容")
    worker_id: Id | None = Field(None, description="无二维码时的职工编号（手工登记，仅经办人可用）")
    served_at: datetime.datetime = Field(description="实际服务时间（含时区）")
    request_id: str = Field(min_length=1, max_length=64, description="该条的客户端请求编号")


class OfflineBatchIn(InSchema):
    point: Id
    program: Id
    items: list[OfflineItemIn] = Field(max_length=MAX_BATCH)


class OfflineItemOut(Schema):
    index: int = Field(description="该条在上传批次中的序号（从0开始）")
    request_id: str
    outcome: str = Field(
        description="recorded 已记录；repeated 此前已上传过（未重复记录）；"
        "duplicate 与本批前面某条重复（未重复记录）；refused 拒绝"
    )
    code: str = ""
    message: str = ""
    masked_name: str = ""
    record_id: int | None = None
    duplicate_of: int | None = Field(None, description="与本批第几条重复")


class OfflineBatchOut(Schema):
    recorded: int
    repeated: int
    duplicates: int
    refused: int
    items: list[OfflineItemOut]


class ProgramOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    report_line: str
    org_code: str
    org_name: str
    starts_on: datetime.date
    ends_on: datetime.date
    is_active: bool
    frequency: str
    unit_cost_fen: int
    budget_fen: int | None

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name


Age = Annotated[int, Field(ge=0, le=150, description="周岁")]


class ProgramCreateIn(InSchema):
    """A programme as the 新建服务项目 page takes it; money in integer fen."""

    org: str = Field(max_length=20, description="主办组织代码（在您的管辖范围内）")
    name: str = Field(min_length=1, max_length=100)
    kind: ProgramKind = Field(description="one_off 一次性服务 / policy 赠送保险 / daily 日常服务")
    starts_on: datetime.date
    ends_on: datetime.date
    frequency: Frequency = Field(description="once 每人限一次 / yearly 每人每年 / daily 每人每天")
    categories: Count = Field(0, description="限职工类别（位掩码，0为不限）")
    min_age: Age | None = None
    max_age: Age | None = None
    members_only: bool = False
    unit_cost_fen: Fen = Field(0, description="每服务一人次计入的金额（分）")
    budget_fen: Fen | None = Field(None, description="预算（分）；空为不设预算")
    when_exhausted: WhenExhausted = WhenExhausted.REFUSE
    report_line: ReportLine = Field(ReportLine.NONE, description="计入成绩单的栏目；空为不单列")
    insurer: str = Field("", max_length=100, description="保险公司（赠送保险）")
    policy_number: str = Field("", max_length=64)
    cover_starts: datetime.date | None = None
    cover_ends: datetime.date | None = None
    sum_insured_fen: Fen | None = Field(None, description="保额（分/人）")


class ServicePointCreateIn(InSchema):
    """A service point offering the programme named in the path."""

    org: str = Field(max_length=20, description="所属组织代码（在项目和您的管辖范围内）")
    name: str = Field(min_length=1, max_length=100)
    address: str = Field("", max_length=200)
    staff: list[str] = Field(
        [], max_length=100, description="在该点扫码核销的经办人账号（用户名，在您的管辖范围内）"
    )


def yuan(fen: int) -> str:
    return str(fen_to_yuan(fen))


class OrgFiguresOut(Schema):
    org_code: str
    org_name: str
    persons: int = Field(description="服务人数（去重）")
    person_times: int = Field(description="服务人次")
    amount_fen: int
    amount_yuan: str


class DayFiguresOut(Schema):
    day: datetime.date
    person_times: int
    amount_fen: int
    amount_yuan: str


class ProgramDetailOut(Schema):
    program: ProgramOut
    org_scope_code: str = Field(description="这些数字所属的组织（调用者的范围或 org 参数）")
    persons: int = Field(description="服务人数（去重，不是各下级之和）")
    person_times: int
    amount_fen: int
    amount_yuan: str
    budget_left_fen: int | None
    budget_left_yuan: str | None
    children: list[OrgFiguresOut]
    days: list[DayFiguresOut]


class PointOut(Schema):
    id: int
    name: str
    address: str
    org_code: str
    org_name: str
    programs: list[int]

    @staticmethod
    def resolve_org_code(obj) -> str:
        return obj.org.code

    @staticmethod
    def resolve_org_name(obj) -> str:
        return obj.org.name

    @staticmethod
    def resolve_programs(obj) -> list[int]:
        return [program.pk for program in obj.programs.all()]
