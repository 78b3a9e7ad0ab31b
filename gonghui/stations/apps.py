from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "gonghui.stations"
    verbose_name = "爱心驿站"
