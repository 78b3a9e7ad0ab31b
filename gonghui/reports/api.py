"""/api/reports: the report card of an org in the caller's subtree, for a year or from–to
dates, optionally with every figure by child org (and the 本级 row)."""

import datetime

from django.http import HttpRequest
from ninja import Field as QueryField
from ninja import Query, Router

from gonghui.core.periods import period_asked
from gonghui.core.schemas import ErrorOut, InSchema, NotFoundOut, Year
from gonghui.reports.card import report_card
from gonghui.reports.formats import as_dict
from gonghui.reports.schemas import ReportCardOut

router = Router(tags=["成绩单"])


class CardQuery(InSchema):
    org: str | None = QueryField(None, description="组织代码（默认为账号所在组织）")
    year: Year | None = QueryField(None, description="年度；与 from/to 二选一")
    from_: datetime.date | None = QueryField(None, alias="from", description="开始日期（含）")
    to: datetime.date | None = QueryField(None, description="结束日期（含）")
    by: str | None = QueryField(None, pattern="^child$", description="child：按下级组织分列")


@router.get(
    "/card",
    response={200: ReportCardOut, 400: ErrorOut, 404: NotFoundOut},
    url_name="report_card",
    by_alias=True,
    summary="成绩单",
)
def card(request: HttpRequest, query: Query[CardQuery]):
    """Every report-card figure of ``org`` (in the caller's subtree) for ``year``, or
    ``from``–``to``; this year when neither is given. Distinct persons are exact at every
    level; with ``by=child`` the 本级 row and each child's row follow, and additive
    figures add up to the total across them."""
    period = period_asked(query.year, query.from_, query.to)
    found = report_card(
        request.auth, period=period, org_code=query.org, by_child=query.by == "child"
    )
    return as_dict(found)
