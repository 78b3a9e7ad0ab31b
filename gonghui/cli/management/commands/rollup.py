"""``gonghui rollup check|rebuild``: every app's rollups against a recount of its raw
records, through the ``ROLLUPS`` each app declares."""

from django.core.management.base import BaseCommand, CommandError

from gonghui.core.rollups import RollupSet
from gonghui.culture.rollups import ROLLUPS as CULTURE
from gonghui.members.rollups import ROLLUPS as MEMBERS
from gonghui.mutualaid.rollups import ROLLUPS as MUTUALAID
from gonghui.programs.rollups import ROLLUPS as PROGRAMS
from gonghui.rights.rollups import ROLLUPS as RIGHTS
from gonghui.stations.rollups import ROLLUPS as STATIONS
from gonghui.training.rollups import ROLLUPS as TRAINING

APPS: dict[str, RollupSet] = {
    "members": MEMBERS,
    "programs": PROGRAMS,
    "stations": STATIONS,
    "mutualaid": MUTUALAID,
    "rights": RIGHTS,
    "training": TRAINING,
    "culture": CULTURE,
}


class Command(BaseCommand):
    help = (
        "汇总表：gonghui rollup rebuild（按原始记录重算）| gonghui rollup check（核对，不一致则报错）"
        "[--app 应用名]"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument("--app", choices=list(APPS), help="只处理这一个应用的汇总表")

    def handle(self, action, app, **options):
        disagreeing = []
        for rollups in [APPS[app]] if app else APPS.values():
            if action == "rebuild":
                rollups.rebuild()
                self.stdout.write(f"{rollups.label}已按原始记录重算")
            problems = rollups.differences()
            for problem in problems[:100]:
                self.stderr.write(problem)
            if problems:
                disagreeing.append(f"{rollups.label}{len(problems)}处")
            else:
                self.stdout.write(f"{rollups.label}与原始记录一致")
        if disagreeing:
            raise CommandError(f"汇总表与原始记录不一致：{'、'.join(disagreeing)}")
