from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.cli import acting_user
from gonghui.core.cli import progress_bar
from gonghui.culture import importers as culture
from gonghui.members import importers as members
from gonghui.mutualaid import importers as mutualaid
from gonghui.orgs import importers as orgs
from gonghui.programs import importers as programs
from gonghui.rights import importers as rights
from gonghui.stations import importers as stations
from gonghui.training import importers as training

# kind: (importer, the keyword arguments it takes from the operands before FILE)
IMPORTERS = {
    "workers": (members.import_workers, ()),
    "services": (programs.import_services, ("program",)),
    "stations": (stations.import_stations, ()),
    "employer-locations": (orgs.import_employer_locations, ()),
    "aid-enrolments": (mutualaid.import_enrolments, ("plan",)),
    "case-workers": (rights.import_case_workers, ("case",)),
    "recoveries": (rights.import_recoveries, ("case",)),
    "enrolments": (training.import_enrolments, ("class_id",)),
    "fund-trainees": (training.import_fund_trainees, ("project",)),
    "scores": (training.import_scores, ("competition",)),
    "event-attendees": (culture.import_event_attendees, ("event",)),
    "bookhouse-visits": (culture.import_bookhouse_visits, ()),
    "campaign-counts": (culture.import_campaign_counts, ("campaign",)),
}


def _synopsis(kind: str) -> str:
    """``services PROGRAM FILE [--dry-run] [--user NAME]``"""
    _, before_file = IMPORTERS[kind]
    return " ".join([kind, *(n.upper() for n in before_file), "FILE [--dry-run] [--user NAME]"])


class Command(BaseCommand):
    help = (
        "导入文件：gonghui import workers FILE | gonghui import stations FILE"
        " | gonghui import employer-locations FILE（用人单位工作地点：统一社会信用代码、"
        "单位名称、地址、经度、纬度、坐标系）"
        " | gonghui import services PROGRAM FILE（PROGRAM 为服务项目编号）"
        " | gonghui import enrolments CLASS_ID FILE（CLASS_ID 为夜校班级编号）"
        " | gonghui import fund-trainees PROJECT FILE（PROJECT 为培训资助项目编号）"
        " | gonghui import scores COMPETITION FILE（COMPETITION 为技能竞赛编号）"
        " | gonghui import case-workers CASE FILE | gonghui import recoveries CASE FILE"
        "（CASE 为欠薪案件编号）| gonghui import aid-enrolments PLAN FILE"
        "（PLAN 为互助保障计划编号，报上级审核）| gonghui import event-attendees EVENT FILE"
        "（EVENT 为文化活动编号）| gonghui import bookhouse-visits FILE"
        " | gonghui import campaign-counts CAMPAIGN FILE（CAMPAIGN 为阅读活动编号）"
        " [--dry-run] [--user NAME]"
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Options may sit between the operands (services 3 --user x FILE), as in most tools;
        # plain parse_args would give every operand to the first greedy positional.
        parser.parse_args = parser.parse_intermixed_args
        return parser

    def add_arguments(self, parser):
        parser.usage = "\n       ".join(f"%(prog)s {_synopsis(kind)}" for kind in sorted(IMPORTERS))
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        # Positional operands, not sub-commands: Django's shared options (--traceback, -v)
        # stay valid after FILE, as they were for `import workers`.
        parser.add_argument(
            "operands",
            nargs="+",
            metavar="[PROGRAM|CLASS_ID|PROJECT|COMPETITION|CASE|PLAN|EVENT|CAMPAIGN] FILE",
            help="workers、stations、employer-locations：FILE；services：服务项目编号 PROGRAM 和 FILE；"
            "enrolments：班级编号 CLASS_ID 和 FILE；fund-trainees：资助项目编号 PROJECT 和 FILE；"
            "scores：竞赛编号 COMPETITION 和 FILE；"
            "case-workers、recoveries：案件编号 CASE 和 FILE；aid-enrolments：计划编号 PLAN 和 FILE；"
            "event-attendees：活动编号 EVENT 和 FILE；bookhouse-visits：FILE；"
            "campaign-counts：阅读活动编号 CAMPAIGN 和 FILE",
        )
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--user", help="以该工作人员的权限范围导入（默认省级管理员）")

    def handle(self, kind, operands, dry_run, user, **options):
        importer, before_file = IMPORTERS[kind]
        if len(operands) != len(before_file) + 1:
            raise CommandError(f"用法：gonghui import {_synopsis(kind)}")
        extra = dict(zip(before_file, operands[:-1], strict=True))
        file = Path(operands[-1])
        if not file.is_file():
            raise CommandError(f"{file}：文件不存在")
        actor = acting_user(user)
        with progress_bar(f"校验并导入 {file.name}") as update:
            report = importer(file, by=actor, dry_run=dry_run, progress=update, **extra)
        for problem in report.errors:
            self.stderr.write(f"{file.name} {problem}")
        for problem in report.warnings[:50]:
            self.stdout.write(f"警告 {file.name} {problem}")
        if len(report.warnings) > 50:
            self.stdout.write(f"……另有{len(report.warnings) - 50}条警告")
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
