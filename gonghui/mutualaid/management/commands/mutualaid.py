from django.core.management.base import BaseCommand
from django.utils import timezone

from gonghui.accounts.cli import acting_user
from gonghui.core.money import chinese_units, yuan_in_units
from gonghui.mutualaid.selectors import aid_figures


class Command(BaseCommand):
    help = "职工互助保障：gonghui mutualaid figures [--year Y] [--user NAME]（成绩单口径）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["figures"])
        parser.add_argument("--year", type=int, help="计划年度（默认今年）")
        parser.add_argument("--user", help="按该工作人员的管辖范围统计（默认省级管理员）")

    def handle(self, action, year, user, **options):
        self._figures(year or timezone.localdate().year, user)

    def _figures(self, year: int, username: str | None) -> None:
        """The report's sentence: 参保N万人次; 为N万人发放互助金N亿元 (half-up, see core.money)."""
        f = aid_figures(acting_user(username), year=year)
        self.stdout.write(
            f"{f.org.name}{year}年度：参保{chinese_units(f.enrolments)}人次；"
            f"为{chinese_units(f.payees)}人发放互助金{yuan_in_units(f.paid_fen)}"
            f"（{f.payouts}笔，{f.paid_fen}分）"
        )
