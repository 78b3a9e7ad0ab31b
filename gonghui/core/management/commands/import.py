from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from gonghui.core.cli import acting_user, progress_bar

IMPORTERS = {"workers": "gonghui.members.importers.import_workers"}


class Command(BaseCommand):
    help = "导入文件：gonghui import workers FILE [--dry-run] [--user NAME]"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--user", help="以该工作人员的权限范围导入（默认省级管理员）")

    def handle(self, kind, file, dry_run, user, **options):
        if not file.is_file():
            raise CommandError(f"{file}：文件不存在")
        importer = import_string(IMPORTERS[kind])
        actor = acting_user(user)
        with progress_bar(f"校验并导入 {file.name}") as update:
            report = importer(file, by=actor, dry_run=dry_run, progress=update)
        for problem in report.errors:
            self.stderr.write(f"{file.name} {problem}")
        for problem in report.warnings[:50]:
            self.stdout.write(f"警告 {file.name} {problem}")
        if len(report.warnings) > 50:
            self.stdout.write(f"……另有{len(report.warnings) - 50}条警告")
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
