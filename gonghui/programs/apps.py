from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "gonghui.programs"
    verbose_name = "普惠服务项目"
