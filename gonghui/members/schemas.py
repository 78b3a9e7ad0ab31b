"""Shapes of /api/workers: personal numbers leave the server only masked."""

import datetime

from ninja import Field, Schema

from gonghui.core.schemas import ErrorOut, InSchema
from gonghui.members.models import Worker


class WorkerOut(Schema):
    id: int
    name: str
    sex: str
    birth_year: int = Field(description="出生年份（完整出生日期与出生地只在密文中）")
    id_masked: str = Field(description="身份证号（脱敏：前4位与校验位）")
    phone_masked: str = Field(description="手机号码（脱敏）")
    org_code: str
    org_name: str
    employer_name: str | None
    employer_uscc: str | None
    categories: list[str]
    is_member: bool
    joined_on: datetime.date | None

    @staticmethod
    def resolve_org_code(obj: Worker) -> str:
        return obj.org.code

    @staticmethod
    def resolve_org_name(obj: Worker) -> str:
        return obj.org.name

    @staticmethod
    def resolve_employer_name(obj: Worker) -> str | None:
        return obj.employer.name if obj.employer_id else None

    @staticmethod
    def resolve_employer_uscc(obj: Worker) -> str | None:
        return obj.employer.uscc if obj.employer_id else None

    @staticmethod
    def resolve_categories(obj: Worker) -> list[str]:
        return obj.category_names


# Inputs are plain strings with empty defaults so that every mistake is reported by
# the same validation the console and the importer use, in Chinese, with its field.
class WorkerCreateIn(InSchema):
    name: str = ""
    id_number: str = Field("", description="身份证号（18位）")
    phone: str = ""
    org: str = Field("", description="工会组织代码")
    employer_name: str = ""
    employer_uscc: str = Field("", description="统一社会信用代码；填写工作单位时必填")
    categories: list[str] = Field(default_factory=list, description="职工类别，如“环卫工人”")
    joined_on: str | None = Field(None, description="入会日期 YYYY-MM-DD；为空表示非会员")


class WorkerPatchIn(InSchema):
    """Only the fields sent are changed; the ID number identifies the worker and is fixed."""

    name: str | None = None
    id_number: str | None = Field(None, description="不可修改；如填写须与原号码一致")
    phone: str | None = None
    org: str | None = Field(None, description="工会组织代码；变更即转会")
    employer_name: str | None = None
    employer_uscc: str | None = None
    categories: list[str] | None = None
    joined_on: str | None = Field(None, description="入会日期；传 null 表示退会")


class ValidationErrorOut(ErrorOut):
    """The first problem at the top level (as every error), and all of them in ``errors``."""

    errors: list[ErrorOut]


class IdSearchIn(InSchema):
    """A whole ID number, in the body: a query string ends up in access logs."""

    id_number: str = Field(max_length=30)
