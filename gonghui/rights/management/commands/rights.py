from django.core.management.base import BaseCommand
from django.utils import timezone

from gonghui.accounts.cli import acting_user
from gonghui.core.money import chinese_units, yuan_in_units
from gonghui.rights.selectors import overdue_cases, rights_figures


class Command(BaseCommand):
    help = (
        "欠薪维权：gonghui rights overdue [--days N] [--user NAME]（无进展案件日报）| "
        "gonghui rights figures [--year Y] [--user NAME]（成绩单口径）"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["overdue", "figures"])
        parser.add_argument("--year", type=int, help="统计年度（默认今年）")
        parser.add_argument(
            "--days", type=int, help="无进展天数（默认取 GONGHUI_RIGHTS_OVERDUE_DAYS）"
        )
        parser.add_argument("--user", help="只列该工作人员管辖范围内的案件（默认全省）")

    def handle(self, action, days, year, user, **options):
        if action == "overdue":
            self._overdue(days, user)
        else:
            self._figures(year or timezone.localdate().year, user)

    def _overdue(self, days: int | None, username: str | None) -> None:
        """One line per open case without progress, oldest first: the daily report."""
        under = acting_user(username).scope_path if username else ""
        now = timezone.now()
        cases = list(overdue_cases(under=under, days=days))
        for case in cases:
            idle = (now - case.last_progress_at).days
            self.stdout.write(
                f"案件{case.pk}\t{case.org.name}\t{case.get_state_display()}\t"
                f"{case.employer_name}\t{idle}天无进展（最近{timezone.localtime(case.last_progress_at):%Y-%m-%d}）"
            )
        self.stdout.write(f"共{len(cases)}件逾期无进展案件")

    def _figures(self, year: int, username: str | None) -> None:
        """The report's sentence: 帮助N万名农民工追回工资及赔偿金N亿元 (half-up, see core.money)."""
        f = rights_figures(acting_user(username), year=year)
        self.stdout.write(
            f"{f.org.name}{year}年：帮助{chinese_units(f.workers)}名农民工追回工资及赔偿金"
            f"{yuan_in_units(f.total_fen)}（工资{f.wages_fen}分，赔偿金{f.compensation_fen}分）"
        )
