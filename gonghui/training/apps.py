from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "gonghui.training"
    verbose_name = "职工夜校与培训"
