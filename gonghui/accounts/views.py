"""Console login and logout (Django's auth views with the Chinese form), the second factor
and the system admin's account pages."""

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import verify_token

from gonghui.accounts.forms import (
    ApiTokenForm,
    LoginForm,
    PasswordChangeForm,
    StaffChangeForm,
    StaffForm,
    TokenForm,
)
from gonghui.accounts.models import User
from gonghui.accounts.selectors import (
    accounts_managed_by,
    second_factor_devices,
    token_for,
    tokens_managed_by,
    tokens_of,
)
from gonghui.accounts.services import (
    change_password,
    change_staff,
    confirm_second_factor,
    create_staff,
    issue_api_token,
    reset_second_factor,
    revoke_api_token,
    set_staff_active,
    start_second_factor,
)
from gonghui.core.errors import DomainError
from gonghui.core.forms import show_error
from gonghui.core.views import page
from gonghui.orgs.picker import picked_org


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _next(request: HttpRequest) -> str:
    """Where to go once verified: the page that asked, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator, or a recovery code (used up)."""
    user = request.user
    if not user.needs_second_factor:
        return redirect(_next(request))
    devices = second_factor_devices(user)
    if not devices:
        query = urlencode({"next": _next(request)})
        return redirect(f"{reverse('accounts:enrol_second_factor')}?{query}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            verified = verify_token(user, device.persistent_id, form.cleaned_data["token"])
            if verified is not None:
                otp_login(request, verified)
                return redirect(_next(request))
        form.add_error("token", "动态验证码或恢复码不正确")
    return page(request, "accounts/second_factor.html", {"form": form, "next": _next(request)})


@login_required
def enrol_second_factor(request: HttpRequest) -> HttpResponse:
    """Scan the QR code into an authenticator, type its code; the 10 recovery codes are
    shown once, on the page that confirms."""
    user = request.user
    if not user.needs_second_factor:
        raise Http404
    if second_factor_devices(user):
        return redirect("accounts:second_factor")
    device = start_second_factor(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = confirm_second_factor(
                user=user, device=device, token=form.cleaned_data["token"]
            )
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            otp_login(request, device)
            return page(
                request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
    context = {
        "form": form,
        "next": _next(request),
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4),
        "secret": b32encode(device.bin_key).decode(),
    }
    return page(request, "accounts/enrol_second_factor.html", context)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """The account's own password; this session stays signed in, others end."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change_password(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except DomainError as exc:
            form.add_error(exc.field or None, exc.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改")
            return redirect("home")
    return page(request, "accounts/password_change.html", {"form": form})


def _managed_account(request: HttpRequest, pk: int) -> User:
    """An account of the system admin's subtree; 404 for any other role or account."""
    if not request.user.can("manage_accounts"):
        raise Http404
    return get_object_or_404(accounts_managed_by(request.user), pk=pk)


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    """The system admin's accounts of its subtree, and a form for a new one."""
    if not request.user.can("manage_accounts"):
        raise Http404
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = picked_org(form, request.user, field="org")
        if org is not None:
            try:
                create_staff(
                    by=request.user,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                    org=org,
                    role=form.cleaned_data["role"],
                )
            except DomainError as exc:
                form.add_error(exc.field or None, exc.message)
            else:
                return redirect("accounts:staff_list")
    context = {"form": form, "accounts": accounts_managed_by(request.user), "nav": "staff"}
    return page(request, "accounts/staff_list.html", context)


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One account of the system admin's subtree: its role and org, its state."""
    account = _managed_account(request, pk)
    initial = {"role": account.role, "org_code": account.org.code if account.org else ""}
    form = StaffChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        org = picked_org(form, request.user)
        if org is not None:
            try:
                change_staff(by=request.user, user=account, role=form.cleaned_data["role"], org=org)
            except DomainError as exc:
                show_error(form, exc)
            else:
                messages.success(request, f"已修改账号 {account.username}")
                return redirect("accounts:staff_detail", pk=account.pk)
    context = {"account": account, "form": form, "nav": "staff"}
    return page(request, "accounts/staff_detail.html", context)


@require_POST
@login_required
def staff_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (``active=0``) or reactivate (``active=1``) an account."""
    account = _managed_account(request, pk)
    active = request.POST.get("active") == "1"
    try:
        set_staff_active(by=request.user, user=account, active=active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'启用' if active else '停用'}账号 {account.username}")
    return redirect("accounts:staff_detail", pk=account.pk)


@require_POST
@login_required
def reset_staff_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    """A lost phone: the account enrols again at its next login."""
    account = _managed_account(request, pk)
    reset_second_factor(by=request.user, user=account)
    return redirect("accounts:staff_list")


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """One's own API tokens and a form for a new one, shown once on the page that issues
    it (no-store, as every page); a system admin also sees its subtree's tokens."""
    user = request.user
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key = issue_api_token(user=user, name=form.cleaned_data["name"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            context = {"key": key, "name": form.cleaned_data["name"].strip(), "nav": "tokens"}
            return page(request, "accounts/token_issued.html", context)
    context = {
        "form": form,
        "tokens": tokens_of(user),
        "managed": tokens_managed_by(user),
        "nav": "tokens",
    }
    return page(request, "accounts/token_list.html", context)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one's own token, or (a system admin) one of its subtree's."""
    token = token_for(request.user, pk)
    try:
        revoke_api_token(by=request.user, token=token)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已吊销令牌“{token.name}”")
    return redirect("accounts:token_list")
