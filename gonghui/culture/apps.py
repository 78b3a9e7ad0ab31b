from django.apps import AppConfig


class CultureConfig(AppConfig):
    name = "gonghui.culture"
    verbose_name = "职工文化"
