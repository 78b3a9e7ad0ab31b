"""Shapes of /api/reports: every figure exact (money in fen) beside its printed form."""

import datetime

from ninja import Field, Schema


class ReportPeriodOut(Schema):
    from_: datetime.date = Field(alias="from")
    to: datetime.date


class ReportFigureOut(Schema):
    id: str
    module: str
    label: str
    value: int = Field(description="人数、人次、数量，或金额（分）")
    unit: str = Field(description="value 的单位：名、人次、个……金额为“分”")
    printed: str = Field(description="成绩单的写法，如 17.13亿元、870余万人次")
    distinct: bool = Field(description="去重人数：下级之和不必等于合计")


class ReportRowOut(Schema):
    org: str
    org_name: str
    own: bool = Field(description="本级：该组织自身的记录，不含下级")
    values: dict[str, int]


class ReportCardOut(Schema):
    org: str
    org_name: str
    period: ReportPeriodOut
    title: str
    figures: list[ReportFigureOut]
    sentences: list[str]
    by_child: list[ReportRowOut] | None = None
