"""Culture console pages: the events calendar (plan, report held, cancel), an event's
attendees and photos, bookhouses (detail, edit, monthly visits, Excel in and out), reading
campaigns (list, create, tracking links, the platforms' counts imported), figures.

Reads through the culture selectors (scoped), writes through the culture services.
"""

import datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gonghui.accounts.selectors import figures_asked_for
from gonghui.core.errors import DomainError
from gonghui.core.figures import org_code_in, page_context, period_in
from gonghui.core.forms import UploadForm, show_error
from gonghui.core.idnumber import parse_id
from gonghui.core.import_pages import import_page
from gonghui.core.importing import clear_copy
from gonghui.core.periods import FIRST_YEAR, LAST_YEAR
from gonghui.core.ratelimit import anonymous_client, over_limit, too_many
from gonghui.core.views import client_ip, download_name, page, xlsx_response
from gonghui.culture.exporters import bookhouse_workbook
from gonghui.culture.forms import (
    BookhouseEditForm,
    BookhouseForm,
    CampaignForm,
    EventForm,
    HeldForm,
    PhotoForm,
    SignInForm,
    VisitsForm,
)
from gonghui.culture.importers import (
    COUNT_COLUMNS,
    import_bookhouse_visits,
    import_campaign_counts,
    import_event_attendees,
    month_cell,
)
from gonghui.culture.indicators import FIGURES
from gonghui.culture.models import AttendeeChannel
from gonghui.culture.selectors import (
    attendees_of,
    bookhouse_for,
    bookhouse_months,
    bookhouses_visible_to,
    campaign_for,
    campaigns_visible_to,
    event_for,
    events_visible_to,
    items_of,
    photo_for,
    photos_of,
    reading_by_item,
    tracked_item,
)
from gonghui.culture.services import (
    BOOKHOUSE_FIELDS,
    add_bookhouse,
    add_photo,
    cancel_event,
    count_reading,
    create_campaign,
    photo_bytes,
    plan_event,
    record_visits,
    report_held,
    sign_in,
    update_bookhouse,
)
from gonghui.members.selectors import mask_name, workers_visible_by_id_numbers
from gonghui.orgs.picker import picked_org


def _console(user, *, manage: bool = False) -> None:
    if not user.scope_path or (manage and not user.can("manage_programs")):
        raise Http404


def _month(text: str) -> tuple[datetime.date, str | None]:
    """The month of ``?month=YYYY-MM`` (this month when absent or refused), and the
    notice to show when it lies outside the years the platform keeps: the calendar steps
    to the months either side, which do not exist beyond year 1 or 9999."""
    this_month = timezone.localdate().replace(day=1)
    if not text:
        return this_month, None
    try:
        month = datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        month = None
    if month is None or not FIRST_YEAR <= month.year <= LAST_YEAR:
        return this_month, f"月份须在 {FIRST_YEAR}年1月至{LAST_YEAR}年12月之间（YYYY-MM）：{text}"
    return month, None


@login_required
def event_list(request):
    """The planning calendar: one month's events, day by day."""
    user = request.user
    _console(user)
    month, notice = _month((request.GET.get("month") or "").strip())
    if notice:
        messages.warning(request, notice)
    events = list(events_visible_to(user, month=month))
    previous = (month - datetime.timedelta(days=1)).replace(day=1)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    context = {
        "nav": "culture",
        "events": events,
        "month": month,
        "previous": previous,
        "following": following,
        "held_form": HeldForm(),
    }
    return page(request, "culture/event_list.html", context)


def _save(form, request, create):
    """Run ``create(org)`` for the form's org, putting refusals next to the fields."""
    org = picked_org(form, request.user)
    if org is None:
        return None
    try:
        return create(org)
    except (ValidationError, DomainError) as exc:
        show_error(form, exc)
    return None


def _back_to(event, request=None):
    """The event's page when the form came from there, else the calendar month of ``event``."""
    if request is not None and request.POST.get("next") == "detail":
        return redirect("culture:event_detail", pk=event.pk)
    return redirect(f"{reverse('culture:events')}?month={event.day:%Y-%m}")


@login_required
def event_create(request):
    user = request.user
    _console(user, manage=True)
    form = EventForm(request.POST or None, initial={"org_code": user.org.code})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        event = _save(
            form,
            request,
            lambda org: plan_event(
                by=user,
                org=org,
                kind=data["kind"],
                title=data["title"],
                venue=data["venue"],
                starts_at=data["starts_at"],
                performers=data["performers"],
            ),
        )
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
        report_held(
            by=user,
            event=event,
            audience=form.cleaned_data["audience"],
            estimated=form.cleaned_data["estimated"],
        )
        messages.success(request, f"“{event.title}”已登记为已举办")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back_to(event, request)


def _event_page(
    request, event, *, sign_in_form=None, upload_form=None, photo_form=None, problems=(), status=200
):
    user = request.user
    attendees = [{"a": a, "name": mask_name(a.worker.name)} for a in attendees_of(user, event)]
    context = {
        "nav": "culture",
        "event": event,
        "attendees": attendees,
        "photos": list(photos_of(user, event)),
        "problems": problems,
        "held_form": HeldForm(),
        "sign_in_form": sign_in_form or SignInForm(),
        "upload_form": upload_form or UploadForm(),
        "photo_form": photo_form or PhotoForm(),
    }
    return page(request, "culture/event_detail.html", context, status=status)


@login_required
def event_detail(request, pk: int):
    """An event with its signed-in workers (masked) and photos."""
    user = request.user
    _console(user)
    return _event_page(request, event_for(user, pk))


def _workers_listed(user, text: str):
    """Workers named one ID number a line, found in the user's subtree; ``DomainError`` names
    the first bad line (nothing is signed in then)."""
    numbers = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            numbers.append((line_no, parse_id(line).number))
        except DomainError as exc:
            raise DomainError(exc.code, f"第{line_no}行：{exc.message}") from None
    found = workers_visible_by_id_numbers(user, [n for _, n in numbers])
    for line_no, number in numbers:
        if number not in found:
            raise DomainError(
                "unknown_worker", f"第{line_no}行：您管辖范围内的职工名册中没有该身份证号"
            )
    return [found[n] for _, n in numbers]


@login_required
@require_POST
def event_sign_in(request, pk: int):
    """Staff sign workers in from a list of ID numbers (the ticket stubs, the sheet)."""
    user = request.user
    _console(user, manage=True)
    event = event_for(user, pk)
    form = SignInForm(request.POST)
    if form.is_valid():
        try:
            workers = _workers_listed(user, form.cleaned_data["id_numbers"])
            done = sign_in(
                by=user,
                event=event,
                workers=workers,
                channel=AttendeeChannel.STAFF,
                client_ip=client_ip(request),
            )
        except DomainError as exc:
            if exc.code == "not_held":  # the page shows no sign-in form to put it by
                return _event_page(request, event, problems=[exc.message], status=400)
            form.add_error("id_numbers", exc.message)
        else:
            messages.success(request, f"新签到{done.created}人，此前已签到{done.unchanged}人")
            return redirect("culture:event_detail", pk=pk)
    return _event_page(request, event, sign_in_form=form, status=400)


@login_required
@require_POST
def event_attendees_import(request, pk: int):
    """A sign-in sheet (身份证号,姓名) as Excel or CSV: all rows or none."""
    user = request.user
    _console(user, manage=True)
    event = event_for(user, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _event_page(request, event, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    with clear_copy(upload.read()) as path:
        report = import_event_attendees(
            path, event=event, by=user, filename=upload.name, client_ip=client_ip(request)
        )
    if report.ok:
        messages.success(request, report.summary())
        return redirect("culture:event_detail", pk=pk)
    problems = [report.summary(), *(str(p) for p in report.errors[:200])]
    return _event_page(request, event, problems=problems, status=400)


@login_required
@require_POST
def event_photo_upload(request, pk: int):
    user = request.user
    _console(user, manage=True)
    event = event_for(user, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["photo"]
        try:
            add_photo(
                by=user,
                event=event,
                filename=upload.name,
                data=upload.read(),
                client_ip=client_ip(request),
            )
        except DomainError as exc:
            form.add_error("photo", exc.message)
        else:
            messages.success(request, f"已上传“{upload.name}”")
            return redirect("culture:event_detail", pk=pk)
    return _event_page(request, event, photo_form=form, status=400)


@login_required
def event_photo(request, pk: int):
    """A photo, decrypted for a user whose subtree holds the event; never cached."""
    user = request.user
    _console(user)
    photo = photo_for(user, pk)
    response = HttpResponse(photo_bytes(photo), content_type=photo.content_type)
    response["Content-Disposition"] = content_disposition_header(False, photo.name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
            made = _save(
                form,
                request,
                lambda org: add_bookhouse(
                    by=user,
                    org=org,
                    name=data["name"],
                    host_kind=data["host_kind"],
                    level=data["level"],
                    level_year=data["level_year"],
                    holdings=data["holdings"],
                    ebooks=data["ebooks"],
                    periodicals=data["periodicals"],
                    opening_hours=data["opening_hours"],
                ),
            )
            if made is not None:
                messages.success(request, f"已登记职工书屋“{made.name}”")
                return redirect("culture:bookhouse_detail", pk=made.pk)
    return _bookhouse_list(request, form)


def _year(request) -> int:
    text = (request.GET.get("year") or "").strip()
    return int(text) if text.isdigit() and len(text) == 4 else timezone.localdate().year


def _bookhouse_list(request, form, *, problems=(), upload_form=None, status=200):
    user = request.user
    year = _year(request)
    context = {
        "nav": "culture",
        "bookhouses": list(bookhouses_visible_to(user, year=year)),
        "form": form,
        "year": year,
        "problems": problems,
        "upload_form": upload_form or UploadForm(),
    }
    return page(request, "culture/bookhouse_list.html", context, status=status)


@login_required
def bookhouse_export(request):
    """The bookhouse list of the user's subtree with ``?year=``'s readers' visits."""
    user = request.user
    _console(user)
    year = _year(request)
    book = bookhouse_workbook(bookhouses_visible_to(user, year=year), year=year)
    return xlsx_response(book, download_name(f"职工书屋-{year}", user.org.code, "xlsx"))


@login_required
@require_POST
def bookhouse_visits_import(request):
    """An Excel/CSV of readers' visits per bookhouse and month: all rows or none."""
    user = request.user
    _console(user, manage=True)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _bookhouse_list(request, None, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    with clear_copy(upload.read()) as path:
        report = import_bookhouse_visits(
            path, by=user, filename=upload.name, client_ip=client_ip(request)
        )
    if report.ok:
        messages.success(request, report.summary())
        return redirect("culture:bookhouses")
    problems = [report.summary(), *(str(p) for p in report.errors[:200])]
    return _bookhouse_list(request, None, problems=problems, status=400)


def _bookhouse_page(request, bookhouse, *, visits_form=None, status=200):
    user = request.user
    context = {
        "nav": "culture",
        "b": bookhouse,
        "months": list(bookhouse_months(user, bookhouse)),
        "visits_form": visits_form or VisitsForm(),
    }
    return page(request, "culture/bookhouse_detail.html", context, status=status)


@login_required
def bookhouse_detail(request, pk: int):
    user = request.user
    _console(user)
    return _bookhouse_page(request, bookhouse_for(user, pk))


@login_required
def bookhouse_edit(request, pk: int):
    user = request.user
    _console(user, manage=True)
    bookhouse = bookhouse_for(user, pk)
    initial = {name: getattr(bookhouse, name) for name in BOOKHOUSE_FIELDS}
    form = BookhouseEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_bookhouse(by=user, bookhouse=bookhouse, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            show_error(form, exc)
        else:
            messages.success(request, f"已保存“{bookhouse.name}”")
            return redirect("culture:bookhouse_detail", pk=pk)
    heading = f"编辑职工书屋 · {bookhouse.name}"
    return page(request, "culture/form.html", {"nav": "culture", "form": form, "heading": heading})


@login_required
@require_POST
def bookhouse_visits(request, pk: int):
    """Staff record (or correct) one month's readers' visits."""
    user = request.user
    _console(user, manage=True)
    bookhouse = bookhouse_for(user, pk)
    form = VisitsForm(request.POST)
    if form.is_valid():
        try:
            month = month_cell(form.cleaned_data["month"])
            record_visits(
                by=user, bookhouse=bookhouse, month=month, visits=form.cleaned_data["visits"]
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, f"已登记{month:%Y年%m月}读者人次")
            return redirect("culture:bookhouse_detail", pk=pk)
    return _bookhouse_page(request, bookhouse_for(user, pk), visits_form=form, status=400)


@login_required
def campaign_list(request):
    """Reading campaigns of the user's subtree, newest first, with their reads and shares."""
    user = request.user
    _console(user)
    campaigns = campaigns_visible_to(user, totals=True).order_by("-starts_on", "-id")
    return page(request, "culture/campaign_list.html", {"nav": "culture", "campaigns": campaigns})


@login_required
def campaign_create(request):
    user = request.user
    _console(user, manage=True)
    form = CampaignForm(request.POST or None, initial={"org_code": user.org.code})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = _save(
            form,
            request,
            lambda org: create_campaign(
                by=user,
                org=org,
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                items=data["items"],
            ),
        )
        if campaign is not None:
            messages.success(request, f"已创建阅读活动“{campaign.name}”")
            return redirect("culture:campaign_detail", pk=campaign.pk)
    heading = "新建阅读活动"
    return page(request, "culture/form.html", {"nav": "culture", "form": form, "heading": heading})


@login_required
def campaign_detail(request, pk: int):
    """A campaign's totals, its items with the reads and shares of their tracking links,
    and the links to share: the user's own org's, or the organiser's for staff above it."""
    user = request.user
    _console(user)
    campaign = campaign_for(user, pk, totals=True)
    counts = reading_by_item(user, campaign)
    # A link counts only for an org inside the campaign: staff above it share the organiser's.
    inside = user.org.path.startswith(campaign.org_path)
    link_org = user.org if inside else campaign.org
    items = [
        {
            "item": item,
            "counts": counts.get(item.pk, (0, 0)),
            "link": request.build_absolute_uri(
                reverse("culture:track_read", args=(item.pk, link_org.code))
            ),
        }
        for item in items_of(campaign)
    ]
    context = {
        "nav": "culture",
        "campaign": campaign,
        "items": items,
        "imported": counts.get(None, (0, 0)),
        "link_org": link_org,
    }
    return page(request, "culture/campaign_detail.html", context)


@login_required
def campaign_counts_import(request, pk: int):
    """A reading platform's daily counts per org: a POST runs ``import_campaign_counts`` on
    the uploaded file (all rows or none); a day's counts replace those imported before for
    that org and day."""
    user = request.user
    _console(user, manage=True)
    campaign = campaign_for(user, pk)
    done = reverse("culture:campaign_detail", args=(pk,))
    context = {
        "nav": "culture",
        "heading": f"导入阅读次数 · {campaign.name}",
        "columns": COUNT_COLUMNS,
        "template_url": f"{reverse('console:fill_in')}?kind=campaign-counts",
        "back": (done, campaign.name),
        "note": (
            f"每行一个组织一天的数字；日期须在活动期内（{campaign.starts_on:%Y-%m-%d}至"
            f"{campaign.ends_on:%Y-%m-%d}）且不晚于今天，组织须在活动和您的管辖范围内。"
            "同一组织同一天再次导入将替换原数，跟踪链接的计数不受影响。"
        ),
    }
    run = partial(import_campaign_counts, campaign=campaign.pk, by=user)
    return import_page(request, run=run, done=done, context=context)


@login_required
def figures(request):
    """The culture figures by child org (本级, every child, 合计) for a year or dates."""
    user = request.user
    _console(user)
    period, problem = period_in(request)
    drilled = figures_asked_for(
        user, FIGURES.indicators, period=period, org_code=org_code_in(request)
    )
    context = {"nav": "culture", "figures": page_context(FIGURES, drilled, problem)}
    return page(request, "culture/figures.html", context)


def track_read(request, pk: int, code: str):
    """A reading campaign's tracking link: count one read for the org (once per client,
    campaign and day; rate-limited like the public station search), then open the item."""
    return _tracked(request, pk, code, shared=False)


@csrf_exempt
@require_POST
def track_share(request, pk: int, code: str):
    """The share button on a tracked item: count one share for the org (no page, no login;
    once per client, campaign and day; rate-limited)."""
    return _tracked(request, pk, code, shared=True)


def _tracked(request, pk: int, code: str, *, shared: bool) -> HttpResponse:
    wait = over_limit(request, "reading")
    if wait:
        return too_many(wait)
    item, org = tracked_item(pk, code)
    client = anonymous_client(request, day=timezone.localdate())
    try:
        count_reading(item=item, org=org, client=client, shared=shared)
    except DomainError as exc:
        return HttpResponse(exc.message, status=410, content_type="text/plain; charset=utf-8")
    return HttpResponse(status=204) if shared else HttpResponseRedirect(item.url)
