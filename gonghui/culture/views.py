"""Culture console pages: the events calendar (plan, report held, cancel), bookhouses, figures.

Reads through the culture selectors (scoped), writes through the culture services.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gonghui.core.errors import DomainError
from gonghui.core.views import page
from gonghui.culture.forms import BookhouseForm, EventForm, HeldForm
from gonghui.culture.selectors import (
    bookhouses_visible_to,
    culture_figures,
    event_for,
    events_visible_to,
    tracked_item,
)
from gonghui.culture.services import (
    add_bookhouse,
    cancel_event,
    count_reading,
    plan_event,
    report_held,
)
from gonghui.orgs.selectors import org_for
from gonghui.training.views import figures_query


def _console(user, *, manage: bool = False) -> None:
    if not user.scope_path or (manage and not user.can("manage_programs")):
        raise Http404


def _month(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


@login_required
def event_list(request):
    """The planning calendar: one month's events, day by day."""
    user = request.user
    _console(user)
    month = _month((request.GET.get("month") or "").strip())
    events = list(events_visible_to(user, month=month))
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    context = {"nav": "culture", "events": events, "month": month, "previous": previous,
               "following": following, "held_form": HeldForm()}  # fmt: skip
    return page(request, "culture/event_list.html", context)


def _save(form, request, create):
    """Run ``create(org)`` for the form's org, putting refusals next to the fields."""
    try:
        org = org_for(request.user, form.cleaned_data["org_code"].strip())
    except Http404:
        form.add_error("org_code", "组织代码不存在或不在您的管辖范围内")
        return None
    try:
        return create(org)
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return None


def _back_to(event):
    """The calendar month of ``event``."""
    return redirect(f"{reverse('culture:events')}?month={event.day:%Y-%m}")


@login_required
def event_create(request):
    user = request.user
    _console(user, manage=True)
    form = EventForm(request.POST or None, initial={"org_code": user.org.code})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event = _save(form, request, lambda org: plan_event(
            by=user, org=org, kind=data["kind"], title=data["title"], venue=data["venue"],
            starts_at=data["starts_at"], performers=data["performers"],
        ))  # fmt: skip
        if event is not None:
            messages.success(request, f"已计划“{event.title}”")
            return _back_to(event)
    return page(
        request, "culture/form.html", {"nav": "culture", "form": form, "heading": "计划文化活动"}
    )


@login_required
@require_POST
def event_held(request, pk: int):
    user = request.user
    _console(user, manage=True)
    event = event_for(user, pk)
    form = HeldForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("bad_audience", "请填写观众人次（不小于0的整数）")
        report_held(by=user, event=event, audience=form.cleaned_data["audience"],
                    estimated=form.cleaned_data["estimated"])  # fmt: skip
        messages.success(request, f"“{event.title}”已登记为已举办")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back_to(event)


@login_required
@require_POST
def event_cancel(request, pk: int):
    user = request.user
    _console(user, manage=True)
    event = event_for(user, pk)
    try:
        cancel_event(by=user, event=event)
        messages.success(request, f"已取消“{event.title}”")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back_to(event)


@login_required
def bookhouse_list(request):
    user = request.user
    _console(user)
    form = None
    if user.can("manage_programs"):
        form = BookhouseForm(request.POST or None, initial={"org_code": user.org.code})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            made = _save(form, request, lambda org: add_bookhouse(
                by=user, org=org, name=data["name"], host_kind=data["host_kind"],
                level=data["level"], level_year=data["level_year"], holdings=data["holdings"],
                opening_hours=data["opening_hours"],
            ))  # fmt: skip
            if made is not None:
                messages.success(request, f"已登记职工书屋“{made.name}”")
                return redirect("culture:bookhouses")
    context = {"nav": "culture", "bookhouses": list(bookhouses_visible_to(user)), "form": form}
    return page(request, "culture/bookhouse_list.html", context)


@login_required
def figures(request):
    user = request.user
    _console(user)
    org_code, year = figures_query(request)
    here, children = culture_figures(user, org_code=org_code, year=year)
    context = {"nav": "culture", "here": here, "children": children, "year": year}
    return page(request, "culture/figures.html", context)


def track_read(request, pk: int, code: str):
    """A reading campaign's tracking link: count one read for the org, then open the item."""
    item, org = tracked_item(pk, code)
    try:
        count_reading(item=item, org=org)
    except DomainError as exc:
        return HttpResponse(exc.message, status=410, content_type="text/plain; charset=utf-8")
    return HttpResponseRedirect(item.url)


@csrf_exempt
@require_POST
def track_share(request, pk: int, code: str):
    """The share button on a tracked item: count one share for the org (no page, no login)."""
    item, org = tracked_item(pk, code)
    try:
        count_reading(item=item, org=org, shared=True)
    except DomainError as exc:
        return HttpResponse(exc.message, status=410, content_type="text/plain; charset=utf-8")
    return HttpResponse(status=204)
