from django.apps import AppConfig


class MutualaidConfig(AppConfig):
    name = "gonghui.mutualaid"
    verbose_name = "职工互助保障"
