from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gonghui.cli.backup import backup
from gonghui.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "备份：gonghui backup FILE（数据库与加密的上传材料，文件权限0600；不含字段密钥，"
        "恢复时须有同一 GONGHUI_FIELD_KEY）"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, file, **options):
        try:
            found = backup(file)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"已备份到 {file}：{len(found.rows)}张表，共{sum(found.rows.values())}行")
