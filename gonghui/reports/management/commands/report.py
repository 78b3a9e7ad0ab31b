"""``gonghui report``: the report card of an org and period as text, JSON, Excel or PDF."""

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from gonghui.accounts.cli import acting_user
from gonghui.core.errors import DomainError
from gonghui.core.files import open_private
from gonghui.core.periods import period_asked
from gonghui.reports import formats
from gonghui.reports.card import report_card

BINARY = {"xlsx": formats.as_workbook, "pdf": formats.as_pdf}


class Command(BaseCommand):
    help = (
        "成绩单：gonghui report --year YYYY | --from YYYY-MM-DD --to YYYY-MM-DD "
        "[--org CODE] [--by child] [--format text|json|xlsx|pdf] [--output FILE] [--user NAME]"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="统计年度")
        parser.add_argument("--from", dest="start", help="开始日期（含），YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="结束日期（含），YYYY-MM-DD")
        parser.add_argument("--org", help="组织代码（默认为账号所在组织）")
        parser.add_argument("--by", choices=["child"], help="child：按下级组织分列，含本级")
        parser.add_argument("--format", choices=["text", "json", "xlsx", "pdf"], default="text")
        parser.add_argument("--output", help="写入文件（xlsx 与 pdf 必填）")
        parser.add_argument("--user", help="以该工作人员的管辖范围统计（默认省级管理员）")

    def handle(self, year, start, end, org, by, format, output, user, **options):
        if year is None and not (start or end):
            raise CommandError("需要 --year，或同时给出 --from 与 --to")
        try:
            period = period_asked(year, start, end)
        except DomainError as err:
            raise CommandError(err.message) from None
        if format in BINARY and not output:
            raise CommandError(f"--format {format} 需要 --output 文件名")
        try:
            card = report_card(acting_user(user), period=period, org_code=org, by_child=bool(by))
        except Http404:
            raise CommandError(f"组织代码“{org}”不存在或不在管辖范围内") from None
        if format in BINARY:
            with open_private(output, "wb") as file:
                file.write(BINARY[format](card))
            self.stderr.write(f"已写入 {output}")
            return
        text = formats.as_json(card) if format == "json" else formats.as_text(card)
        if output:
            with open_private(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stderr.write(f"已写入 {output}")
        else:
            self.stdout.write(text)
