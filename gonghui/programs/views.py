"""Console pages for benefit programs: list, figures with drill-down, set-up, check-in, cards.

Every read goes through the programs selectors (scoped to the user) and every write
through the programs services. Service-point staff can do nothing but check workers in:
every other page here is 404 for them, as a page outside their subtree would be.
"""

import datetime
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from gonghui.accounts.selectors import staff_visible_to
from gonghui.core.errors import DomainError
from gonghui.core.forms import UploadForm, show_error
from gonghui.core.importing import clear_copy
from gonghui.core.money import (
    chinese_units,
    fen_to_yuan,
    yuan_in_units,
    yuan_text,
    yuan_to_fen,
)
from gonghui.core.views import client_ip, download_name, page, xlsx_response
from gonghui.members.cards import issue_card_token
from gonghui.members.selectors import mask_name, worker_for
from gonghui.orgs.picker import picked_org
from gonghui.programs.exporters import program_workbook
from gonghui.programs.forms import (
    PROGRAM_FIELDS,
    BudgetForm,
    CheckinForm,
    ProgramForm,
    ServicePointForm,
)
from gonghui.programs.importers import COLUMNS as SERVICE_COLUMNS
from gonghui.programs.importers import import_services
from gonghui.programs.selectors import (
    budget_left_for,
    budgets_nearly_spent,
    figures_trail,
    points_of_program,
    points_of_staff,
    program_figures,
    program_for,
    program_totals,
    programs_visible_to,
    recent_records,
    record_for,
)
from gonghui.programs.services import (
    ServiceRefused,
    change_budget,
    check_in,
    create_program,
    create_service_point,
    void_record,
)

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _console(user) -> None:
    """Point staff (no ``browse``, so no scope) see only the check-in page."""
    if not user.scope_path:
        raise Http404


def _manager(user) -> None:
    _console(user)
    if not user.can("manage_programs"):
        raise Http404


@dataclass
class Money:
    """An amount of fen as the page prints it: 1,234.56 and, when large, 12.35万元."""

    fen: int

    @property
    def yuan(self) -> str:
        return yuan_text(self.fen)

    @property
    def units(self) -> str:
        return yuan_in_units(self.fen) if abs(self.fen) >= 10_000 * 100 else ""


@dataclass
class Figure:
    n: int

    @property
    def units(self) -> str:
        return chinese_units(self.n) if self.n >= 10_000 else ""


def _money(fen: int | None) -> Money | None:
    return None if fen is None else Money(fen)


# --- program list and figures ---------------------------------------------------------------


@login_required
def program_list(request):
    user = request.user
    _console(user)
    low = request.GET.get("budget") == "low"
    programs_shown = budgets_nearly_spent(user) if low else programs_visible_to(user)
    page_obj = Paginator(programs_shown, PAGE_SIZE).get_page(request.GET.get("page"))
    programs = list(page_obj)
    totals = program_totals(user, programs)
    rows = [
        {
            "program": p,
            "persons": Figure(totals[p.pk].persons),
            "person_times": Figure(totals[p.pk].person_times),
            "amount": Money(totals[p.pk].amount_fen),
            "budget_left": _money(budget_left_for(user, p)),
        }
        for p in programs
    ]
    context = {"nav": "programs", "page_obj": page_obj, "rows": rows, "low": low}
    return page(request, "programs/program_list.html", context)


def _org_code(request) -> str | None:
    return (request.GET.get("org") or "").strip() or None


@login_required
def program_detail(request, pk: int):
    user = request.user
    _console(user)
    return _program_page(request, program_for(user, pk))


def _program_page(
    request,
    program,
    *,
    problems: list[str] | None = None,
    budget_form: BudgetForm | None = None,
    status: int = 200,
):
    """The programme's figures for the user's org (or ``?org=`` inside it), its recent
    records, the service-list upload for those who record services and the budget form
    for those who manage programmes."""
    user = request.user
    if budget_form is None and user.can("manage_programs"):
        fen = program.budget_fen
        budget_form = BudgetForm(initial={"budget": "" if fen is None else str(fen_to_yuan(fen))})
    figures = program_figures(user, program, org_code=_org_code(request))
    here = figures.org.path
    context = {
        "nav": "programs",
        "program": program,
        "figures": figures,
        "trail": figures_trail(user, program, figures.org),
        "persons": Figure(figures.persons),
        "person_times": Figure(figures.person_times),
        "amount": Money(figures.amount_fen),
        "unit_cost": Money(program.unit_cost_fen),
        "budget_left": _money(budget_left_for(user, program)),
        "children": [
            {
                "org": c.org,
                "persons": c.persons,
                "person_times": c.person_times,
                "amount": Money(c.amount_fen),
            }
            for c in figures.children
        ],
        "days": [
            {"day": day, "person_times": times, "amount": Money(fen)}
            for day, times, fen in reversed(figures.days)
        ],
        "records": [
            {"record": r, "masked_name": mask_name(r.worker.name), "amount": Money(r.amount_fen)}
            for r in recent_records(user, program, under=here)
        ],
        "points": list(points_of_program(user, program)),
        "org_query": f"?{urlencode({'org': figures.org.code})}" if _org_code(request) else "",
        "upload_form": UploadForm() if _may_import(user, program) else None,
        "columns": "，".join(SERVICE_COLUMNS),
        "problems": problems,
        "budget_form": budget_form,
    }
    return page(request, "programs/program_detail.html", context, status=status)


@login_required
@require_POST
def program_budget(request, pk: int):
    """修改预算: the new budget in 元 and a reason; a refusal (four eyes: the manager who set
    the budget in force may not change it again, or below what is spent) shown on the page."""
    user = request.user
    _manager(user)
    program = program_for(user, pk)
    form = BudgetForm(request.POST)
    if form.is_valid():
        budget_fen = _fen(form, "budget", required=False)
        if not form.errors:
            try:
                change_budget(
                    by=user,
                    program=program,
                    budget_fen=budget_fen,
                    reason=form.cleaned_data["reason"],
                    client_ip=client_ip(request),
                )
            except DomainError as exc:
                show_error(form, exc, fields=PROGRAM_FIELDS)
            else:
                shown = "不设预算" if budget_fen is None else f"{yuan_text(budget_fen)}元"
                messages.success(request, f"预算已改为{shown}")
                return redirect("programs:detail", pk=program.pk)
    return _program_page(request, program, budget_form=form)


def _may_import(user, program) -> bool:
    return user.can("record_services") and program.is_active


@login_required
@require_POST
def program_import(request, pk: int):
    """A hospital's or insurer's service list from Excel/CSV: all rows or none, each problem
    named by row and column on the programme's page."""
    user = request.user
    _console(user)
    program = program_for(user, pk)
    if not _may_import(user, program):
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _program_page(request, program, problems=["请选择要导入的文件"], status=400)
    upload = form.cleaned_data["file"]
    with clear_copy(upload.read()) as path:
        report = import_services(
            path, program=program, by=user, filename=upload.name, client_ip=client_ip(request)
        )
    if not report.ok:
        problems = [report.summary(), *(str(p) for p in report.errors[:200])]
        return _program_page(request, program, problems=problems, status=400)
    messages.success(request, report.summary())
    return redirect("programs:detail", pk=program.pk)


@login_required
def program_export(request, pk: int):
    """The figures on the detail page (the same drill-down) as .xlsx; audited as an export."""
    user = request.user
    _console(user)
    program = program_for(user, pk)
    figures = program_figures(user, program, org_code=_org_code(request))
    book = program_workbook(user, figures, budget_left_fen=budget_left_for(user, program))
    return xlsx_response(book, download_name(program.name, figures.org.code, "xlsx"))


@login_required
@require_POST
def record_void(request, pk: int):
    """Void one record from the detail page; the reason is required (the service checks)."""
    user = request.user
    _manager(user)
    record = record_for(user, pk)
    try:
        void_record(
            by=user,
            record=record,
            reason=request.POST.get("reason", ""),
            client_ip=client_ip(request),
        )
        messages.success(request, f"已作废 {mask_name(record.worker.name)} 的服务记录")
    except DomainError as exc:
        messages.error(request, exc.message)
    target = reverse("programs:detail", args=[record.program_id])
    org = (request.POST.get("org") or "").strip()
    return redirect(f"{target}?{urlencode({'org': org})}" if org else target)


# --- set-up ---------------------------------------------------------------------------------


def _fen(form, field: str, *, required: bool) -> int | None:
    text = form.cleaned_data[field].strip()
    if not text:
        if required:
            return 0
        return None
    try:
        return yuan_to_fen(text, field=f"{field}_fen", label=form.fields[field].label)
    except DomainError as exc:
        form.add_error(field, exc.message)
        return None


@login_required
def program_create(request):
    user = request.user
    _manager(user)
    if request.method == "POST":
        form = ProgramForm(request.POST)
        if form.is_valid():
            program = _save_program(form, user)
            if program is not None:
                messages.success(request, f"已创建项目“{program.name}”")
                return redirect("programs:detail", pk=program.pk)
    else:
        today = timezone.localdate()
        form = ProgramForm(
            initial={
                "org_code": user.org.code,
                "starts_on": today,
                "ends_on": datetime.date(today.year, 12, 31),
            }
        )
    return page(request, "programs/program_form.html", {"nav": "programs", "form": form})


def _save_program(form: ProgramForm, user):
    data = form.cleaned_data
    org = picked_org(form, user)
    unit_cost = _fen(form, "unit_cost", required=True)
    budget = _fen(form, "budget", required=False)
    sum_insured = _fen(form, "sum_insured", required=False)
    if form.errors or org is None:
        return None
    policy = {name: data[name] for name in form.POLICY_FIELDS if data[name] not in ("", None)}
    if sum_insured is not None:
        policy["sum_insured_fen"] = sum_insured
    try:
        return create_program(
            by=user,
            org=org,
            name=data["name"].strip(),
            kind=data["kind"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            frequency=data["frequency"],
            categories=form.category_bits(),
            min_age=data["min_age"],
            max_age=data["max_age"],
            members_only=data["members_only"],
            unit_cost_fen=unit_cost,
            budget_fen=budget,
            when_exhausted=data["when_exhausted"],
            report_line=data["report_line"],
            **policy,
        )
    except (ValidationError, DomainError) as exc:
        show_error(form, exc, fields=PROGRAM_FIELDS)
    return None


@login_required
def point_create(request):
    user = request.user
    _manager(user)
    programs = list(programs_visible_to(user))
    if request.method == "POST":
        form = ServicePointForm(request.POST, programs=programs)
        if form.is_valid():
            point = _save_point(form, user, programs)
            if point is not None:
                messages.success(request, f"已创建服务点“{point.name}”")
                chosen = point.programs.first()
                if chosen is not None:
                    return redirect("programs:detail", pk=chosen.pk)
                return redirect("programs:list")
    else:
        form = ServicePointForm(programs=programs, initial={"org_code": user.org.code})
    return page(request, "programs/point_form.html", {"nav": "programs", "form": form})


def _save_point(form: ServicePointForm, user, programs):
    org = picked_org(form, user)
    names = form.usernames()
    staff = list(staff_visible_to(user, usernames=names))
    missing = sorted(set(names) - {s.username for s in staff})
    if missing:
        form.add_error("staff", f"以下账号不存在或不在您的管辖范围内：{'、'.join(missing)}")
    if org is None or form.errors:
        return None
    chosen = [p for p in programs if str(p.pk) in form.cleaned_data["programs"]]
    try:
        return create_service_point(
            by=user,
            org=org,
            name=form.cleaned_data["name"].strip(),
            address=form.cleaned_data["address"].strip(),
            programs=chosen,
            staff=staff,
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
    return None


# --- check-in at a service point --------------------------------------------------------------


def _checkin_choices(user) -> dict[str, tuple]:
    """'point:program' → (point, program, label) for every program of the user's points."""
    choices = {}
    for point in points_of_staff(user):
        for program in point.programs.all():
            choices[f"{point.pk}:{program.pk}"] = (point, program, f"{point.name} · {program.name}")
    return choices


@never_cache
@login_required
@vary_on_headers("HX-Request")
def checkin(request):
    """The phone page of a service point: scan or type the card, see ✓ or the refusal."""
    user = request.user
    choices = _checkin_choices(user)
    if not choices and not user.can("checkin"):
        raise Http404
    labels = [(key, label) for key, (_, _, label) in choices.items()]
    result = None
    chosen = None
    if request.method == "POST":
        posted = CheckinForm(request.POST, choices=labels)
        if posted.is_valid():
            point, program, _ = choices[posted.cleaned_data["choice"]]
            result = _check_in(request, point, program, posted.cleaned_data)
        else:
            first = next(iter(posted.errors.values()))[0]
            result = {"ok": False, "message": first, "masked_name": ""}
        chosen = request.POST.get("choice") if request.POST.get("choice") in choices else None
    # A new request id on every render: a retry of the same submission is idempotent,
    # the next worker's check-in is a new request.
    initial = {"request_id": CheckinForm.fresh_request_id()}
    if chosen:
        initial["choice"] = chosen
    form = CheckinForm(choices=labels, initial=initial)
    context = {"nav": "checkin", "form": form, "result": result, "has_choices": bool(choices)}
    template = "programs/_checkin_panel.html" if request.htmx else "programs/checkin.html"
    return page(request, template, context)


def _check_in(request, point, program, data) -> dict:
    try:
        served = check_in(
            by=request.user,
            point=point,
            program=program,
            token=data["token"],
            request_id=data["request_id"],
            client_ip=client_ip(request),
        )
    except ServiceRefused as refusal:
        return {"ok": False, "message": refusal.message, "masked_name": refusal.masked_name}
    except DomainError as exc:
        return {"ok": False, "message": exc.message, "masked_name": ""}
    return {
        "ok": True,
        "masked_name": served.masked_name,
        "program": program.name,
        "at": timezone.localtime(served.record.served_at),
        "repeated": served.repeated,
    }


# --- a worker's card QR code --------------------------------------------------------------------


@never_cache
@login_required
@vary_on_headers("HX-Request")
def worker_card(request, pk: int):
    """A worker's union-card QR code (for printing and testing); refreshed every minute."""
    _console(request.user)
    worker = worker_for(request.user, pk)
    token = issue_card_token(worker.pk)
    qr = segno.make(token, error="m")
    # segno writes the SVG from the token alone (digits, letters, ':', '-', '_').
    svg = mark_safe(qr.svg_inline(scale=6, border=3, omitsize=True, title="工会卡二维码"))
    context = {
        "nav": "workers",
        "worker": worker,
        "token": token,
        "svg": svg,
        "expires_at": timezone.localtime() + datetime.timedelta(seconds=settings.CARD_TOKEN_TTL),
    }
    template = "programs/_card_qr.html" if request.htmx else "programs/card.html"
    return page(request, template, context)
