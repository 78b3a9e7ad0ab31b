"""The lists staff fill in for each import, by the name ``gonghui import`` gives it: each
app's importer declares its columns and an example row, and one page hands them out."""

from typing import NamedTuple

from gonghui.culture import importers as culture
from gonghui.members import importers as members
from gonghui.mutualaid import importers as mutualaid
from gonghui.orgs import importers as orgs
from gonghui.programs import importers as programs
from gonghui.rights import importers as rights
from gonghui.stations import importers as stations
from gonghui.training import importers as training


class FillIn(NamedTuple):
    title: str
    columns: tuple[str, ...]
    example: tuple[object, ...]


FILL_INS = {
    "workers": FillIn("职工名册", members.COLUMNS, members.EXAMPLE),
    "services": FillIn("服务记录", programs.COLUMNS, programs.EXAMPLE),
    "stations": FillIn("驿站名册", stations.COLUMNS, stations.EXAMPLE),
    "employer-locations": FillIn("用人单位工作地点", orgs.COLUMNS, orgs.EXAMPLE),
    "aid-enrolments": FillIn(
        "互助保障参保名册", mutualaid.ROSTER_COLUMNS, mutualaid.ROSTER_EXAMPLE
    ),
    "case-workers": FillIn("涉案职工", rights.WORKER_COLUMNS, rights.WORKER_EXAMPLE),
    "recoveries": FillIn("追回款项", rights.RECOVERY_COLUMNS, rights.RECOVERY_EXAMPLE),
    "enrolments": FillIn("夜校报名", training.COLUMNS, training.EXAMPLE),
    "fund-trainees": FillIn("培训资助学员", training.FUND_COLUMNS, training.FUND_EXAMPLE),
    "scores": FillIn("竞赛成绩", training.SCORE_COLUMNS, training.SCORE_EXAMPLE),
    "event-attendees": FillIn("活动签到", culture.ATTENDEE_COLUMNS, culture.ATTENDEE_EXAMPLE),
    "bookhouse-visits": FillIn("书屋读者人次", culture.VISIT_COLUMNS, culture.VISIT_EXAMPLE),
    "campaign-counts": FillIn("阅读活动次数", culture.COUNT_COLUMNS, culture.COUNT_EXAMPLE),
}
