"""One command from an empty machine to a running demo."""

import datetime
import random
import tempfile
from base64 import b32encode
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import confirm_second_factor, create_staff, start_second_factor
from gonghui.core.coords import Crs
from gonghui.core.hours import parse_hours
from gonghui.core.ports import refuse_if_port_taken
from gonghui.members.categories import BY_NAME, NEW_EMPLOYMENT_FORM_BITS
from gonghui.members.generate import roster_rows, write_roster_csv
from gonghui.members.importers import import_workers
from gonghui.members.selectors import workers_visible_to
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Org
from gonghui.orgs.services import create_grassroots_union, register_employer
from gonghui.programs.models import Channel, Frequency, ProgramKind, ReportLine
from gonghui.programs.services import create_program, create_service_point, record_service
from gonghui.stations.services import StationFields, save_station
from gonghui.stations.vocabulary import FACILITIES, KINDS

DEMO_PASSWORD = "Gonghui@2026"
ACCOUNTS = (
    ("admin", "410000", Role.PROVINCE_ADMIN, "省级管理员"),
    ("zhumadian", "411700", Role.OFFICER, "驻马店市总工会经办人"),
    ("yicheng", "411702", Role.OFFICER, "驿城区总工会经办人"),
    ("zaocan", "411702", Role.POINT_STAFF, "驿城区爱心早餐店核销员"),
    ("sysadmin", "410000", Role.SYSTEM_ADMIN, "系统管理员"),
    ("shenji", "410000", Role.AUDITOR, "审计员"),
)
UNIONS = (
    ("411702", "驿城区环卫服务中心工会"),
    ("411702", "驿城区快递物流行业工会联合会"),
    ("411721", "西平县建筑业工会"),
    ("410302", "老城区外卖配送站工会"),
    ("410311", "洛龙区货运物流企业工会"),
)


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator holding the device's key shows now."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


def demo_totp_secrets() -> dict[str, str]:
    """Each demo account's TOTP key in base32, to type into an authenticator (or
    ``oathtool --totp -b KEY``): printed by the demo only, never by ``serve``."""
    usernames = [username for username, *_ in ACCOUNTS]
    devices = TOTPDevice.objects.filter(user__username__in=usernames, confirmed=True)
    return {d.user.username: b32encode(d.bin_key).decode() for d in devices.select_related("user")}


class Command(BaseCommand):
    help = "建立演示数据库（SQLite）、演示数据并启动服务"

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=3000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="只建数据，不启动服务")

    def handle(self, workers, host, port, no_serve, **options):
        if not no_serve:
            refuse_if_port_taken(host, port)
        self.stdout.write(
            "开发模式：演示数据和开发密钥，不可用于生产（生产请用 gonghui serve）"
            " / development mode: demo data and development keys, not for production"
        )
        call_command("migrate", interactive=False, verbosity=0)
        if not User.objects.filter(username="admin").exists():
            self._seed(workers)
        self.stdout.write(
            f"演示账号（密码均为 {DEMO_PASSWORD}；有密钥的账号登录时还须输入动态验证码）："
        )
        secrets = demo_totp_secrets()
        for username, _, _, label in ACCOUNTS:
            secret = f"  TOTP密钥 {secrets[username]}" if username in secrets else ""
            self.stdout.write(f"  {username:<10} {label}{secret}")
        if not no_serve:
            call_command("serve", host=host, port=port, no_migrate=True)

    def _seed(self, count: int) -> None:
        admin = None
        for username, code, role, _ in ACCOUNTS:
            user = create_staff(
                by=None,
                username=username,
                password=DEMO_PASSWORD,
                org=Org.objects.get(code=code),
                role=role,
            )
            if user.needs_second_factor:
                device = start_second_factor(user=user)
                # Enrolled as the enrolment page would, with a code the demo computes itself.
                confirm_second_factor(user=user, device=device, token=current_code(device))
            admin = admin or user
        rng = random.Random(2026)
        employers, union_codes = [], []
        for county_code, name in UNIONS:
            county = Org.objects.get(code=county_code)
            employer = register_employer(
                by=admin,
                name=name.removesuffix("工会") + "有限公司",
                uscc=make_uscc(rng, county_code),
                county=county,
            )
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
        self._programs(admin)
        self._stations(admin)

    def _programs(self, admin) -> None:
        """A breakfast programme with a week of check-ins, and a health check."""
        today = timezone.localdate()
        province = Org.objects.get(code="410000")
        breakfast = create_program(
            by=admin,
            org=province,
            name="环卫工人免费早餐",
            kind=ProgramKind.DAILY,
            frequency=Frequency.DAILY,
            starts_on=today - datetime.timedelta(days=60),
            ends_on=today + datetime.timedelta(days=300),
            categories=BY_NAME["环卫工人"].bit,
            unit_cost_fen=500,
            budget_fen=50_000_00,
            report_line=ReportLine.SANITATION_BREAKFAST,
        )
        create_program(
            by=admin,
            org=province,
            name="新就业形态劳动者免费体检",
            kind=ProgramKind.ONE_OFF,
            frequency=Frequency.ONCE,
            starts_on=today - datetime.timedelta(days=30),
            ends_on=today + datetime.timedelta(days=120),
            categories=NEW_EMPLOYMENT_FORM_BITS,
            unit_cost_fen=200_00,
            report_line=ReportLine.NEW_EMPLOYMENT_EXAM,
        )
        clerk = User.objects.get(username="zaocan")
        shops = [
            create_service_point(
                by=admin,
                org=Org.objects.get(code=code),
                name=name,
                programs=[breakfast],
                staff=[clerk] if code == "411702" else [],
            )
            for code, name in (("411702", "驿城区爱心早餐店"), ("410302", "老城区爱心早餐店"))
        ]
        sanitation = workers_visible_to(admin, category="环卫工人")
        rng = random.Random(7)
        for days_ago in range(7, 0, -1):
            # Breakfast time on that local day: "now minus N days" shortly after midnight
            # would put two mornings on one date and the daily limit would refuse the second.
            morning = datetime.datetime.combine(
                today - datetime.timedelta(days=days_ago), datetime.time(7)
            )
            for worker in sanitation.order_by("?")[:40]:
                shop = shops[0] if worker.org_path.startswith("410000/411700/") else shops[1]
                served_at = timezone.make_aware(
                    morning + datetime.timedelta(minutes=rng.randrange(90))
                )
                record_service(
                    by=admin,
                    program=breakfast,
                    worker=worker,
                    point=shop,
                    served_at=served_at,
                    channel=Channel.SCAN,
                )

    def _stations(self, admin) -> None:
        """Rest stations around 驻马店 and 洛阳 city centres, so the map and the workers'
        "near me" page have something to show (positions in GCJ-02, as AMap gives them)."""
        rng = random.Random(11)
        hours = [parse_hours(text) for text in ("00:00-24:00", "07:00-21:00", "20:00-06:00")]
        words = [f.bit for f in FACILITIES]
        for code, prefix, (lat, lng) in (
            ("411702", "驿城区", (32.98, 114.02)),
            ("410311", "洛龙区", (34.62, 112.45)),
        ):
            org = Org.objects.get(code=code)
            for i in range(1, 16):
                bits = words[0] | sum(rng.sample(words[1:], 3))
                save_station(
                    by=admin,
                    org=org,
                    fields=StationFields(
                        name=f"{prefix}爱心驿站{i:02d}号",
                        address=f"{prefix}示范路{i * 8}号",
                        lat=lat + rng.uniform(-0.04, 0.04),
                        lng=lng + rng.uniform(-0.05, 0.05),
                        crs=Crs.GCJ02,
                        hours=rng.choice(hours),
                        facilities=bits,
                        phone=f"0396-28{rng.randrange(10**5):05d}",
                        kinds=KINDS[0].bit if i % 5 == 0 else 0,
                    ),
                )
