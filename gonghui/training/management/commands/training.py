from django.core.management.base import BaseCommand, CommandError

from gonghui.training.rollups import differences, rebuild


class Command(BaseCommand):
    help = (
        "职工夜校汇总表：gonghui training rollup rebuild（按报名与出勤记录重算）"
        "| gonghui training rollup check（核对，不一致则报错）"
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["rollup"])
        parser.add_argument("action", choices=["rebuild", "check"])

    def handle(self, what, action, **options):
        if action == "rebuild":
            rebuild()
            self.stdout.write("夜校汇总表已按原始记录重算")
        problems = differences()
        for problem in problems[:100]:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"夜校汇总表与原始记录不一致：{len(problems)}处")
        self.stdout.write("夜校汇总表与原始记录一致")
