"""``gonghui keys rotate``: every encrypted column and uploaded file under the first key of
the ring.

Deploy with ``GONGHUI_FIELD_KEYS=new,old`` (server and this command alike), run the
rotation while the server serves, then drop the old key from the ring. Resumable and
idempotent: run it again after an interruption (``core.rotation``). The audit chain,
hashed under a key derived from the field key, is re-sealed under the new one
(``audit.chain.reseal``), so it still verifies once the old key has left the ring; the
command lives here, above both, because ``core`` may not call the audit app.
"""

from django.core.management.base import BaseCommand, CommandError

from gonghui.audit import chain
from gonghui.audit.services import record_event
from gonghui.core.errors import DomainError
from gonghui.core.rotation import (
    rotate_all,
    rotate_files,
    sealed_models,
    stale_count,
    stale_files,
    upload_models,
)


class Command(BaseCommand):
    help = "字段密钥：gonghui keys rotate [--batch 500] | gonghui keys status"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rotate", "status"])
        parser.add_argument("--batch", type=int, default=500, help="每批处理的行数")

    def handle(self, *args, action: str, batch: int, **options):
        if action == "status":
            for model, sealed in sealed_models():
                left = stale_count(model, sealed)
                self.stdout.write(f"{model._meta.label}: 待轮换 {left} 行")
            for upload in upload_models():
                self.stdout.write(f"{upload._meta.label}: 待轮换 {stale_files(upload)} 个文件")
            return
        try:
            done = rotate_all(batch=batch)
            sealed = chain.reseal(batch=batch)
        except (RuntimeError, DomainError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from None
        for label, rows in done.items():
            self.stdout.write(f"{label}: 已用新密钥重新加密 {rows} 行")
        files = rotate_files()
        for label, count in files.items():
            self.stdout.write(f"{label}: 已用新密钥重新加密 {count} 个文件")
        self.stdout.write(f"审计链：已用新密钥重签 {sealed} 条记录")
        record_event(
            actor=None,
            action="keys_rotate",
            object_type="field_key",
            object_id="current",
            org_path="410000/",  # the province's: the keys are the deployment's
            after={"rows": sum(done.values()), "files": sum(files.values()), "sealed": sealed},
        )
        self.stdout.write("轮换完成：可以从 GONGHUI_FIELD_KEYS 中去掉旧密钥")
