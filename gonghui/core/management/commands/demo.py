"""One command from an empty machine to a running demo."""

import random
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import create_staff
from gonghui.members.generate import make_uscc, roster_rows, write_roster_csv
from gonghui.members.importers import import_workers
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_grassroots_union, register_employer

DEMO_PASSWORD = "gonghui2026"
ACCOUNTS = (
    ("admin", "410000", Role.PROVINCE_ADMIN, "省级管理员"),
    ("zhumadian", "411700", Role.OFFICER, "驻马店市总工会经办人"),
    ("yicheng", "411702", Role.OFFICER, "驿城区总工会经办人"),
)
UNIONS = (
    ("411702", "驿城区环卫服务中心工会"),
    ("411702", "驿城区快递物流行业工会联合会"),
    ("411721", "西平县建筑业工会"),
    ("410302", "老城区外卖配送站工会"),
    ("410311", "洛龙区货运物流企业工会"),
)


class Command(BaseCommand):
    help = "建立演示数据库（SQLite）、演示数据并启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=3000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="只建数据，不启动服务")

    def handle(self, workers, host, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not User.objects.filter(username="admin").exists():
            self._seed(workers)
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, _, _, label in ACCOUNTS:
            self.stdout.write(f"  {username:<10} {label}")
        if not no_serve:
            call_command("serve", host=host, port=port, no_migrate=True)

    def _seed(self, count: int) -> None:
        admin = None
        for username, code, role, _ in ACCOUNTS:
            user = create_staff(
                by=None, username=username, password=DEMO_PASSWORD,
                org=Org.objects.get(code=code), role=role,
            )  # fmt: skip
            admin = admin or user
        rng = random.Random(2026)
        employers, union_codes = [], []
        for county_code, name in UNIONS:
            county = Org.objects.get(code=county_code)
            employer = register_employer(
                by=admin, name=name.removesuffix("工会") + "有限公司",
                uscc=make_uscc(rng, county_code), county=county,
            )  # fmt: skip
            employers.append((employer.name, employer.uscc))
            union = create_grassroots_union(by=admin, county=county, name=name, employer=employer)
            union_codes.append(union.code)
        with tempfile.TemporaryDirectory() as tmp:
            path = write_roster_csv(
                Path(tmp) / "演示职工名册.csv",
                roster_rows(count, org_codes=union_codes, employers=employers, seed=2026),
            )
            report = import_workers(path, by=admin)
        self.stdout.write(report.summary())
