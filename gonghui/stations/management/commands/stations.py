from django.core.management.base import BaseCommand, CommandError

from gonghui.stations.bench import bench_stations
from gonghui.stations.rollups import differences, rebuild


class Command(BaseCommand):
    help = (
        "驿站：gonghui stations rollup rebuild|check（到访汇总表按到访记录重算/核对）"
        " | gonghui stations bench [--stations 11500] [--queries 10000]（最近驿站查询基准，"
        "在一个回滚的事务中运行，不留数据）"
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["rollup", "bench"])
        parser.add_argument("action", nargs="?", choices=["rebuild", "check"])
        parser.add_argument("--stations", type=int, default=11_500, help="bench：生成的驿站数")
        parser.add_argument("--queries", type=int, default=10_000, help="bench：随机查询次数")

    def handle(self, what, action, stations, queries, **options):
        if what == "bench":
            if stations < 1 or queries < 1:
                raise CommandError("--stations 和 --queries 须为正整数")
            figures = bench_stations(stations=stations, queries=queries, stdout=self.stdout)
            if not figures["agree"]:
                raise CommandError("最近驿站查询与暴力扫描结果不一致")
            return
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
