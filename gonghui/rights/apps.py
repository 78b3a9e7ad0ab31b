from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "gonghui.rights"
    verbose_name = "农民工欠薪维权"
