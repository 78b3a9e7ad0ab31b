from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The report card (成绩单): the figures every domain app declares, for any org and
    year. It sits above the domain apps and reads their ``indicators`` modules."""

    name = "gonghui.reports"
    verbose_name = "成绩单"
