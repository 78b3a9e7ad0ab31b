from pathlib import Path

from django.core.management.base import BaseCommand

from gonghui.accounts.cli import acting_user
from gonghui.core.cli import progress_bar
from gonghui.members.exporters import export_workers
from gonghui.orgs.exporters import write_employers
from gonghui.stations.exporters import write_stations

EXPORTERS = {
    "workers": (export_workers, "名职工"),
    "stations": (write_stations, "个驿站"),
    "employer-locations": (write_employers, "家用人单位"),
}


class Command(BaseCommand):
    help = (
        "导出：gonghui export workers --output FILE（身份证号、手机号脱敏）"
        " | gonghui export stations --output FILE（导入模板格式）"
        " | gonghui export employer-locations --output FILE（用人单位工作地点，导入模板格式）"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(EXPORTERS))
        parser.add_argument("--output", type=Path, required=True, help=".csv 或 .xlsx")
        parser.add_argument("--user", help="以该工作人员的权限范围导出（默认省级管理员）")

    def handle(self, kind, output, user, **options):
        actor = acting_user(user)
        export, noun = EXPORTERS[kind]
        with progress_bar(f"导出到 {output.name}") as update:
            count = export(actor, output, progress=update)
        self.stdout.write(f"已导出{count}{noun}到 {output}")
