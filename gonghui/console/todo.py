"""The home page's to-do list: each count is the length of the list page it links to, read
through the same selector, so a number on the home page is never a different question
from the list behind it."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.accounts.selectors import org_asked_for
from gonghui.console.selectors import imports_visible_to
from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.mutualaid.selectors import claim_queue, rosters_to_review
from gonghui.programs.selectors import budgets_nearly_spent
from gonghui.reports.card import Figure, indicators
from gonghui.rights.selectors import case_queue, overdue_cases
from gonghui.stations.selectors import stations_visible_to
from gonghui.training.selectors import classes_awaiting_draw


@dataclass(frozen=True)
class Todo:
    key: str
    label: str
    count: int
    href: str


def _item(key: str, label: str, rows: QuerySet, url: str, query: str = "") -> Todo:
    return Todo(key, label, rows.count(), reverse(url) + (f"?{query}" if query else ""))


def todos(user: User) -> list[Todo]:
    """What waits for ``user``, in the order an officer would see to it."""
    month_start = timezone.localdate().replace(day=1)
    return [
        _item("claims", "互助金申请待我处理", claim_queue(user), "mutualaid:claim_list"),
        _item(
            "rosters",
            "待审核参保名册",
            rosters_to_review(user),
            "mutualaid:roster_list",
            "state=waiting",
        ),
        _item("cases", "欠薪案件待我处理", case_queue(user), "rights:case_list", "state=waiting"),
        _item(
            "overdue",
            "欠薪案件超期未进展",
            overdue_cases(under=user.scope_path),
            "rights:case_list",
            "state=overdue",
        ),
        _item(
            "draws", "夜校班级待摇号", classes_awaiting_draw(user), "training:list", "draw=pending"
        ),
        _item(
            "budgets",
            "项目预算已用90%以上",
            budgets_nearly_spent(user),
            "programs:list",
            "budget=low",
        ),
        _item(
            "stations",
            "本月还没有到访的驿站",
            stations_visible_to(user, unvisited_since=month_start),
            "stations:list",
            "unvisited=month",
        ),
        _item(
            "imports",
            "导入未成功",
            imports_visible_to(user, waiting=True),
            "console:import_list",
            "state=waiting",
        ),
    ]


def year_figures(user: User) -> list[Figure]:
    """This year's additive report-card figures of the user's own org: cheap (rollups
    only) and never a distinct count, which the card itself explains."""
    period = Period.year(timezone.localdate().year)
    under = Under(org_asked_for(user, None).path)
    return [Figure(i, i.measure(under, period)) for i in indicators() if not i.distinct]
