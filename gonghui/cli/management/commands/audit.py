import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.cli import acting_user
from gonghui.audit import chain
from gonghui.audit.services import purge_audit_log
from gonghui.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "审计日志：gonghui audit verify（校验哈希链，发现篡改、插入或删除时以非零状态退出）| "
        "gonghui audit purge --before YYYY-MM-DD [--user NAME]（清理保存期之前的记录）"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "purge"])
        parser.add_argument("--before", help="清理此日期（不含）之前的记录，YYYY-MM-DD")
        parser.add_argument("--user", help="执行清理的工作人员账号（默认省级管理员）")

    def handle(self, action, before, user, **options):
        if action == "verify":
            self._verify()
        else:
            self._purge(before, user)

    def _verify(self) -> None:
        started = time.perf_counter()
        verdict = chain.verify()
        seconds = time.perf_counter() - started
        if not verdict.ok:
            assert verdict.broken is not None
            where = (
                f"记录{verdict.broken.event_id}" if verdict.broken.event_id is not None else "链尾"
            )
            raise CommandError(f"审计链在{where}处不成立：{verdict.broken.reason}")
        self.stdout.write(
            f"审计链完整：{verdict.events:,}条记录，链头{chain.head_hash()}；用时{seconds:.1f}秒"
        )

    def _purge(self, before: str | None, username: str | None) -> None:
        if not before:
            raise CommandError("须指定 --before YYYY-MM-DD")
        try:
            day = datetime.date.fromisoformat(before)
        except ValueError:
            raise CommandError(f"日期“{before}”格式不对，应为 YYYY-MM-DD") from None
        try:
            checkpoint = purge_audit_log(by=acting_user(username), before=day)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if checkpoint is None:
            self.stdout.write(f"{day}之前没有审计记录，未清理")
            return
        self.stdout.write(
            f"已清理{day}之前的审计记录{checkpoint.rows:,}条（至记录{checkpoint.last_id}），"
            f"检查点哈希{checkpoint.last_hash}"
        )
