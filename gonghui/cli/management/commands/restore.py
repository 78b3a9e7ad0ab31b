from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gonghui.cli.backup import restore
from gonghui.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "恢复：gonghui restore FILE（只恢复到新建的空数据库和空的数据目录，须有备份时的"
        " GONGHUI_FIELD_KEY；恢复后按备份清单核对每张表的行数和金额合计）"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, file, **options):
        try:
            found = restore(file)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"已从 {file} 恢复：{len(found.rows)}张表共{sum(found.rows.values())}行，"
            f"{len(found.money)}项金额合计与备份清单一致"
        )
