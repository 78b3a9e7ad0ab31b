from django.core.management.base import BaseCommand, CommandError

from gonghui.stations.rollups import differences, rebuild


class Command(BaseCommand):
    help = "驿站：gonghui stations rollup rebuild|check（到访汇总表按到访记录重算/核对）"

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["rollup"])
        parser.add_argument("action", nargs="?", choices=["rebuild", "check"])

    def handle(self, what, action, **options):
        if action is None:
            raise CommandError("用法：gonghui stations rollup rebuild|check")
        if action == "rebuild":
            rebuild()
            self.stdout.write("驿站到访汇总表已按到访记录重算")
        problems = differences()
        for problem in problems[:100]:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"驿站到访汇总表与到访记录不一致：{len(problems)}处")
        self.stdout.write("驿站到访汇总表与到访记录一致")
