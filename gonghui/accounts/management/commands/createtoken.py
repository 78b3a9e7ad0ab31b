from django.core.management.base import BaseCommand, CommandError

from gonghui.accounts.models import User
from gonghui.accounts.services import issue_api_token
from gonghui.core.errors import DomainError


class Command(BaseCommand):
    help = "为账号签发API令牌并只显示这一次：gonghui createtoken NAME --name 用途"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="令牌用途，如“考勤机对接”")

    def handle(self, username, name, **options):
        user = User.objects.select_related("org").filter(username=username).first()
        if user is None:
            raise CommandError(f"没有名为“{username}”的工作人员账号")
        try:
            key = issue_api_token(user=user, name=name)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stderr.write(f"已为 {username} 签发令牌“{name.strip()}”，只显示这一次：")
        self.stdout.write(key)
