"""``gonghui report``: the report card of an org and year, as text or JSON."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from gonghui.accounts.cli import acting_user
from gonghui.reports.card import report_card


class Command(BaseCommand):
    help = "成绩单：gonghui report --year YYYY [--org CODE] [--format text|json] [--user NAME]"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="统计年度")
        parser.add_argument("--org", help="组织代码（默认为账号所在组织）")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--user", help="以该工作人员的管辖范围统计（默认省级管理员）")

    def handle(self, year, org, format, user, **options):
        try:
            card = report_card(acting_user(user), year=year, org_code=org)
        except Http404:
            raise CommandError(f"组织代码“{org}”不存在或不在管辖范围内") from None
        if format == "json":
            figures = [
                {
                    "id": f.indicator.id,
                    "label": f.indicator.label,
                    "value": f.value,
                    "unit": "分" if f.indicator.money else f.indicator.unit,
                    "printed": f.printed,
                    "distinct": f.indicator.distinct,
                }
                for f in card.figures.values()
            ]
            answer = {
                "org": card.org.code,
                "org_name": card.org.name,
                "year": year,
                "figures": figures,
                "sentences": card.sentences(),
            }
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{card.org.name}{year}年成绩单")
        for sentence in card.sentences():
            self.stdout.write(sentence)
