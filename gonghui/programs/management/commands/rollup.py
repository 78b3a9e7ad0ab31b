from django.core.management.base import BaseCommand, CommandError

from gonghui.programs.rollups import differences, rebuild


class Command(BaseCommand):
    help = "汇总表：gonghui rollup rebuild（按原始记录重算）| gonghui rollup check（核对，不一致则报错）"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "check"])
        parser.add_argument("--program", type=int, help="只处理该项目编号")

    def handle(self, action, program, **options):
        if action == "rebuild":
            rebuild(program)
            self.stdout.write("汇总表已按原始记录重算")
        problems = differences(program)
        for problem in problems[:100]:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"汇总表与原始记录不一致：{len(problems)}处")
        self.stdout.write("汇总表与原始记录一致")
