from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gonghui.accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from gonghui.accounts.middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="gonghui.accounts.stamp_login")
