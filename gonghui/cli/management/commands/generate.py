"""``gonghui generate --scale tiny|city|province --seed N [--year YYYY] [--path services|bulk]``:
a coherent made-up dataset of every app in an empty (migrated) database. See
``gonghui/cli/generate/`` for what each scale holds and what each path writes."""

import resource
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gonghui.cli.generate.plan import PLANS
from gonghui.cli.generate.run import generate
from gonghui.members.models import Worker
from gonghui.orgs.models import Org, OrgKind

FIRST_YEAR = 2011  # members' join dates start in 2010


class Command(BaseCommand):
    help = (
        "生成演示与压测数据：gonghui generate --scale tiny|city|province --seed N "
        "[--year YYYY] [--path services|bulk]（写入新迁移的空库）"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(PLANS), required=True)
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument(
            "--year", type=int, help="数据所属年度（默认上一年；当年则只生成到今天）"
        )
        parser.add_argument(
            "--path",
            choices=["services", "bulk"],
            help="services：逐条调用各应用的服务（慢，作为对照）；bulk：批量写入后重算汇总表"
            "（默认 tiny 用 services，其余用 bulk）",
        )

    def handle(self, scale, seed, year, path, **options):
        today = timezone.localdate()
        year = year or today.year - 1
        if not FIRST_YEAR <= year <= today.year:
            raise CommandError(f"--year 应在{FIRST_YEAR}至{today.year}之间")
        if Worker.objects.exists() or Org.objects.filter(kind=OrgKind.GRASSROOTS).exists():
            raise CommandError("数据库中已有基层工会或职工：generate 只写入新迁移的空库")
        path = path or ("services" if scale == "tiny" else "bulk")
        started = time.perf_counter()
        try:
            generate(plan=PLANS[scale], seed=seed, year=year, bulk=path == "bulk", out=self.stdout)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"完成：{scale}规模，种子{seed}，{year}年，{path}写入；"
            f"共用时{time.perf_counter() - started:.1f}秒，内存峰值{peak:.0f} MB"
        )
