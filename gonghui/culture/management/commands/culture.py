from django.core.management.base import BaseCommand

from gonghui.culture.rollups import differences, rebuild
from gonghui.training.management.commands.training import rollup_action


class Command(BaseCommand):
    help = "文化活动汇总表：gonghui culture rollup rebuild（重算）| gonghui culture rollup check（核对）"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["rollup"])
        parser.add_argument("action", choices=["rebuild", "check"])

    def handle(self, what, action, **options):
        rollup_action(
            self, action, label="文化活动汇总表", rebuild=rebuild, differences=differences
        )
