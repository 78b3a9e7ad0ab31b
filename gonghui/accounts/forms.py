"""The console login form, in Chinese, telling a locked-out name why."""

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm

from gonghui.accounts.lockout import is_locked
from gonghui.accounts.models import Role
from gonghui.core.views import client_ip
from gonghui.orgs.picker import OrgPickerField

LOCKED_MESSAGE = "登录失败次数过多，已暂停登录，请稍后再试"


class LoginForm(AuthenticationForm):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": "用户名或密码不正确",
        "inactive": "该账号已停用",
        "locked": LOCKED_MESSAGE,
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                # The backend refuses a locked name even with the right password; say
                # so, or the user keeps retrying a password that is not wrong. Unknown
                # names lock the same way, so this says nothing about who exists.
                if is_locked(username=username, address=client_ip(self.request) or ""):
                    raise forms.ValidationError(self.error_messages["locked"], code="locked")
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class TokenForm(forms.Form):
    """A 6-digit code from the authenticator, or one of the recovery codes."""

    token = forms.CharField(label="动态验证码", max_length=16, strip=True)


class StaffForm(forms.Form):
    """A new staff account, made by the system admin (the service checks the rest)."""

    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="初始密码", strip=False, widget=forms.PasswordInput)
    org = OrgPickerField(label="所属组织", among="accounts")
    role = forms.ChoiceField(label="角色", choices=Role.choices)


class StaffChangeForm(forms.Form):
    """Another account's role and org, changed by the system admin (the service checks
    that both are within its subtree and the role one it may give)."""

    role = forms.ChoiceField(label="角色", choices=Role.choices)
    org_code = OrgPickerField(label="所属组织", among="accounts")


class ApiTokenForm(forms.Form):
    """A new API token of one's own account, named by what it is for."""

    name = forms.CharField(label="用途", max_length=100)


class PasswordChangeForm(forms.Form):
    """The account's own new password, typed twice (the service checks the policy)."""

    old_password = forms.CharField(label="原密码", strip=False, widget=forms.PasswordInput)
    new_password = forms.CharField(label="新密码", strip=False, widget=forms.PasswordInput)
    new_password_again = forms.CharField(
        label="再次输入新密码", strip=False, widget=forms.PasswordInput
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", "两次输入的新密码不一致")
        return data
