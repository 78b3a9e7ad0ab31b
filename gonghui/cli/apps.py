from django.apps import AppConfig


class CliConfig(AppConfig):
    """The ``gonghui`` subcommands that span apps (demo, import, export, bench): they sit
    above the domain apps, so that no app below has to know the others."""

    name = "gonghui.cli"
    verbose_name = "命令行"
