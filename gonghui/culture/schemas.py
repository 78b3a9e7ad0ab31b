"""Shapes of /api/culture: one small input or output per operation.

Workers appear only by their registry id and a masked name: no ID number, phone
or full name is in any of these shapes.
"""

import datetime

from ninja import Field, Schema

from gonghui.core.schemas import Count, Id, InSchema, Month, Year
from gonghui.culture.models import EventKind, EventState
from gonghui.members.selectors import mask_name


class EventQuery(InSchema):
    month: Month | None = None
    state: EventState | None = Field(
        None, description="planned 计划中 / held 已举办 / cancelled 已取消"
    )
    kind: EventKind | None = Field(
        None,
        description="performance 送文艺 / film 送电影 / art 送书画 / training 送培训 / "
        "lecture 送讲座 / other 其他",
    )


class EventOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    state: str
    state_label: str = Field(alias="get_state_display")
    org_code: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")
    venue: str
    performers: str
    starts_at: datetime.datetime
    day: datetime.date
    audience: int | None = Field(description="观众人次（举办后登记）")
    audience_estimated: bool = Field(description="人次为估计数（如露天演出）")


class AttendeeOut(Schema):
    worker_id: int
    masked_name: str
    org_code: str = Field(description="职工所在组织代码")
    channel: str = Field(description="staff 工作人员签到 / import 签到表导入")
    signed_at: datetime.datetime


class EventDetailOut(EventOut):
    """Built from an event on which the handler set ``signed`` (its attendees, read through
    the scoped selector) and ``photo_ids``."""

    attendances: int = Field(description="签到人次")
    attendees_distinct: int = Field(description="签到人数（不重复职工）")
    attendees: list[AttendeeOut] = Field(description="签到职工（姓名已遮蔽），按签到顺序")
    photo_ids: list[int]

    @staticmethod
    def resolve_attendees(event) -> list[dict]:
        return [
            {
                "worker_id": a.worker_id,
                "masked_name": mask_name(a.worker.name),
                "org_code": a.worker.org.code,
                "channel": a.channel,
                "signed_at": a.signed_at,
            }
            for a in event.signed
        ]

    @staticmethod
    def resolve_attendances(event) -> int:
        return len(event.signed)

    @staticmethod
    def resolve_attendees_distinct(event) -> int:
        return len({a.worker_id for a in event.signed})


class HeldIn(InSchema):
    audience: Count = Field(description="观众人次")
    estimated: bool = Field(False, description="人次为估计数")


class SignInIn(InSchema):
    worker_ids: list[Id] = Field(
        min_length=1, max_length=5000, description="职工编号（须在调用者管辖范围内）"
    )


class SignInOut(Schema):
    created: int = Field(description="新签到人数")
    unchanged: int = Field(description="此前已签到（或列表中重复）的人数")
    attendances: int = Field(description="该活动签到人次合计")


class BookhouseOut(Schema):
    id: int
    name: str
    org_code: str = Field(alias="org.code")
    host_kind: str
    host_kind_label: str = Field(alias="get_host_kind_display")
    level: str
    level_label: str = Field(alias="get_level_display")
    level_year: int | None = Field(description="命名年份")
    holdings: int = Field(description="藏书（册）")
    ebooks: int = Field(description="电子图书（册）")
    periodicals: int = Field(description="期刊（种）")
    opening_hours: str
    visits: int = Field(description="读者人次：列表按 year（未给时为全部月份），详情为全部月份")


class BookhouseMonthOut(Schema):
    month: str = Field(description="YYYY-MM")
    visits: int = Field(description="读者人次")


class BookhouseDetailOut(BookhouseOut):
    """Built from a bookhouse on which the handler set ``month_rows``."""

    months: list[BookhouseMonthOut] = Field(description="每月读者人次，近月在前")

    @staticmethod
    def resolve_months(bookhouse) -> list[dict]:
        return [{"month": f"{m.month:%Y-%m}", "visits": m.visits} for m in bookhouse.month_rows]


class CampaignOut(Schema):
    id: int
    name: str
    org_code: str = Field(alias="org.code")
    starts_on: datetime.date
    ends_on: datetime.date
    reads: int = Field(description="阅读次数（跟踪链接与导入合计）")
    shares: int = Field(description="转发次数（跟踪链接与导入合计）")

    @staticmethod
    def resolve_reads(campaign) -> int:
        return campaign.reads or 0

    @staticmethod
    def resolve_shares(campaign) -> int:
        return campaign.shares or 0


class ItemOut(Schema):
    id: int
    title: str
    url: str
    reads: int = Field(description="经跟踪链接的阅读次数")
    shares: int = Field(description="经跟踪链接的转发次数")


class CampaignDetailOut(CampaignOut):
    """Built from a campaign with ``reads``/``shares`` totals on which the handler set
    ``item_rows`` (its items) and ``by_item`` (``selectors.reading_by_item``)."""

    items: list[ItemOut]
    imported_reads: int = Field(description="平台报表导入的阅读次数")
    imported_shares: int = Field(description="平台报表导入的转发次数")

    @staticmethod
    def resolve_items(campaign) -> list[dict]:
        counts = campaign.by_item
        return [
            {
                "id": i.pk,
                "title": i.title,
                "url": i.url,
                "reads": counts.get(i.pk, (0, 0))[0],
                "shares": counts.get(i.pk, (0, 0))[1],
            }
            for i in campaign.item_rows
        ]

    @staticmethod
    def resolve_imported_reads(campaign) -> int:
        return campaign.by_item.get(None, (0, 0))[0]

    @staticmethod
    def resolve_imported_shares(campaign) -> int:
        return campaign.by_item.get(None, (0, 0))[1]


class FiguresQuery(InSchema):
    org: str | None = Field(None, description="组织代码（须在调用者管辖范围内）；默认本级")
    year: Year | None = Field(None, description="年份；不填为全部年份")
    month: int | None = Field(None, ge=1, le=12, description="月份（须同时给 year）")


class FiguresOut(Schema):
    org_code: str
    org_name: str
    events: int = Field(description="举办活动场次")
    audience: int = Field(description="观众人次（含估计数）")
    attendances: int = Field(description="签到人次")
    attendees: int = Field(description="签到人数（不重复职工，按本级计，不由下级相加）")
    bookhouses: dict[str, int] = Field(description="职工书屋：示范级别 → 家数（当前名册）")
    province_or_above: int = Field(description="省级以上示范点家数")
    visits: int = Field(description="书屋读者人次")
    reads: int = Field(description="阅读次数")
    shares: int = Field(description="转发次数")


class FiguresTreeOut(FiguresOut):
    year: int | None
    month: int | None
    children: list[FiguresOut] = Field(description="有数据的下级组织")
