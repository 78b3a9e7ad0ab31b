"""Run gonghui under granian, the production server, with static files from WhiteNoise.

Granian speaks HTTP in Rust and hands each request to a pool of Python threads per
worker process. In eight interleaved runs of ``gonghui bench checkin`` on PostgreSQL
on the 2-core bench machine, it served 376–645 check-ins/s (mean 510) where gunicorn
(gthread, 2 processes of 4 threads) served 313–412 (mean 368), and 4,579–5,667 health
checks/s against 2,374–3,478: the server's own share of a request's CPU is what it
saves.

One worker process per core by default, each with 4 application threads: every thread
holds its own persistent database connection, so workers × threads is the number of
connections the server opens (fewer connections also contend less for the same rows).
Access logging is off unless asked for: the reverse proxy in front usually keeps that
log.
"""

import multiprocessing

from django.core.management import call_command
from django.core.management.base import BaseCommand
from granian import Granian
from granian.constants import Interfaces

from gonghui.core.ports import announce_when_listening, refuse_if_port_taken


class Command(BaseCommand):
    help = "用生产服务器（granian）运行：gonghui serve [--host 127.0.0.1] [--port 8000]"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=multiprocessing.cpu_count(),
            help="进程数（默认每核一个）",
        )
        parser.add_argument(
            "--threads", type=int, default=4, help="每个进程处理请求的线程数（各占一个数据库连接）"
        )
        parser.add_argument("--access-log", action="store_true", help="把每个请求记到标准输出")
        parser.add_argument("--no-migrate", action="store_true", help="启动前不执行数据库迁移")

    def handle(self, host, port, workers, threads, access_log, no_migrate, **options):
        refuse_if_port_taken(host, port)
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        announce_when_listening(host, port, lambda: self._announce(host, port))
        Granian(
            "gonghui.wsgi:application",
            address=host,
            port=port,
            interface=Interfaces.WSGI,
            websockets=False,
            workers=workers,
            blocking_threads=threads,
            log_access=access_log,
        ).serve()

    def _announce(self, host: str, port: int) -> None:
        self.stdout.write(f"gonghui 已启动：http://{host}:{port}/")
        self.stdout.flush()
