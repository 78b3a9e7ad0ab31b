from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The staff console's home: what waits for the signed-in user across every app, and
    a few figures of their org. It sits above the domain apps and reads their selectors."""

    name = "gonghui.console"
    verbose_name = "工作台"
