from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError

from gonghui.training.rollups import differences, rebuild


def rollup_action(
    command: BaseCommand,
    action: str,
    *,
    label: str,
    rebuild: Callable[[], None],
    differences: Callable[[], list[str]],
) -> None:
    """``rebuild`` (then check) or ``check`` a rollup; a disagreement is a non-zero exit."""
    if action == "rebuild":
        rebuild()
        command.stdout.write(f"{label}已按原始记录重算")
    problems = differences()
    for problem in problems[:100]:
        command.stderr.write(problem)
    if problems:
        raise CommandError(f"{label}与原始记录不一致：{len(problems)}处")
    command.stdout.write(f"{label}与原始记录一致")


class Command(BaseCommand):
    help = (
        "职工夜校与培训资助汇总表：gonghui training rollup rebuild（按报名、出勤与资助项目记录重算）"
        "| gonghui training rollup check（核对，不一致则报错）"
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["rollup"])
        parser.add_argument("action", choices=["rebuild", "check"])

    def handle(self, what, action, **options):
        rollup_action(
            self, action, label="夜校与培训资助汇总表", rebuild=rebuild, differences=differences
        )
