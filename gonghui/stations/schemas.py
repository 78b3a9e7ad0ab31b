"""Shapes of /api/stations: the public nearest search and the staff registry."""

import datetime

from ninja import Field, Schema

from gonghui.core.hours import format_hours
from gonghui.core.schemas import InSchema, PositiveCount
from gonghui.stations.vocabulary import facility_names, kind_names


class NearbyOut(Schema):
    id: int
    name: str
    org_code: str = Field(description="所属组织代码")
    address: str
    lat: float = Field(description="纬度，按请求的坐标系")
    lng: float = Field(description="经度，按请求的坐标系")
    coord: str = Field(description="坐标系：wgs84、gcj02 或 bd09")
    distance_m: float = Field(description="到查询点的直线（大圆）距离，米")
    facilities: list[str]
    facilities_other: str
    open_now: bool = Field(description="按北京时间此刻是否开放")
    phone: str
    kinds: list[str]


class StationOut(Schema):
    id: int
    name: str
    org_code: str = Field(alias="org.code")
    address: str
    lat: float = Field(description="纬度（WGS84）")
    lng: float = Field(description="经度（WGS84）")
    input_crs: str = Field(description="录入时的坐标系")
    facilities: list[str]
    facilities_other: str
    kinds: list[str]
    hours: str = Field(description="开放时间（如“周一至周五 08:00-20:00；周六、周日 休息”）")
    phone: str
    status: str
    opened_on: datetime.date | None

    @staticmethod
    def resolve_facilities(station) -> list[str]:
        return facility_names(station.facilities)

    @staticmethod
    def resolve_kinds(station) -> list[str]:
        return kind_names(station.kinds)

    @staticmethod
    def resolve_hours(station) -> str:
        return format_hours(station.hours)


class VisitIn(InSchema):
    """A worker's union-card QR code (``token``), or a head count (``count``) of workers
    without phones."""

    token: str | None = Field(None, max_length=200, description="职工工会卡二维码内容")
    count: PositiveCount = Field(1, description="登记的人次（无手机职工的人数）")


class VisitOut(Schema):
    id: int
    station: int
    day: datetime.date
    hour: str
    count: int
    channel: str
    masked_name: str = Field("", description="扫码到访的职工姓名（脱敏）")
