import getpass

from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.models import Role
from gonghui.accounts.services import create_staff
from gonghui.core.errors import DomainError
from gonghui.orgs.models import Org


class Command(BaseCommand):
    help = "创建工作人员账号：gonghui createstaff NAME --org 410000 --role province_admin"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="所属组织代码")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--password", help="不填则提示输入")

    def handle(self, username, org, role, password, **options):
        found = Org.objects.filter(code=org).first()
        if found is None:
            raise CommandError(f"组织代码“{org}”不存在")
        password = password or getpass.getpass("密码：")
        try:
            create_staff(by=None, username=username, password=password, org=found, role=role)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已创建账号 {username}（{Role(role).label}，{found.name}）")
