from pathlib import Path

from django.core.management.base import BaseCommand

from gonghui.core.cli import acting_user, progress_bar
from gonghui.members.exporters import export_workers


class Command(BaseCommand):
    help = "导出职工名册（身份证号、手机号脱敏）：gonghui export workers --output FILE"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["workers"])
        parser.add_argument("--output", type=Path, required=True, help=".csv 或 .xlsx")
        parser.add_argument("--user", help="以该工作人员的权限范围导出（默认省级管理员）")

    def handle(self, kind, output, user, **options):
        actor = acting_user(user)
        with progress_bar(f"导出到 {output.name}") as update:
            count = export_workers(actor, output, progress=update)
        self.stdout.write(f"已导出{count}名职工到 {output}")
