"""Console pages for wage-arrears cases: the queue with overdue flags, opening a case, the
case page (parties, workers and amounts, steps, imports, recoveries, transfer, timeline)
and figures, with Excel exports.

Every read goes through the rights selectors and every write through its services; a
case outside the user's reach is 404, and the sender of a transferred case only reads.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gonghui.accounts.selectors import figures_asked_for
from gonghui.core.dates import parse_date
from gonghui.core.errors import DomainError
from gonghui.core.figures import org_code_in, page_context, period_in, workbook_name
from gonghui.core.forms import show_error
from gonghui.core.importing import clear_copy
from gonghui.core.money import yuan_to_fen
from gonghui.core.views import client_ip, console_view, download_name, page, xlsx_response
from gonghui.orgs.picker import picked_org
from gonghui.rights.exporters import case_workbook, figures_workbook
from gonghui.rights.forms import REFERRALS, CaseForm, ImportForm, TransferForm
from gonghui.rights.importers import (
    RECOVERY_COLUMNS,
    WORKER_COLUMNS,
    import_case_workers,
    import_recoveries,
)
from gonghui.rights.indicators import FIGURES
from gonghui.rights.models import CaseState
from gonghui.rights.selectors import (
    case_detail,
    case_for,
    case_queue,
    case_row,
    cases_visible_to,
    overdue_before,
    overdue_cases,
)
from gonghui.rights.services import (
    CASE_WORKERS,
    Instalment,
    move_case,
    open_case,
    record_recoveries,
    reveal_case_workers,
    transfer_case,
)

PAGE_SIZE = 50


@console_view
def case_list(request):
    """What waits for me (default), every case, a state, or the overdue ones; the count of
    overdue cases in my subtree heads the page."""
    user = request.user
    tab = request.GET.get("state") or "waiting"
    if tab == "waiting":
        cases = case_queue(user)
    elif tab == "overdue":
        cases = overdue_cases(under=user.scope_path)
    else:
        cases = cases_visible_to(user, state=None if tab == "all" else tab)
    page_obj = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    since = overdue_before()
    context = {
        "nav": "rights",
        "page_obj": page_obj,
        "tab": tab,
        "states": CaseState.choices,
        "rows": [case_row(c, overdue_since=since) for c in page_obj],
        "overdue_count": overdue_cases(under=user.scope_path).count(),
        "may_open": user.role in CASE_WORKERS,
    }
    return page(request, "rights/case_list.html", context)


@console_view
def case_create(request):
    user = request.user
    if user.role not in CASE_WORKERS:
        return page(request, "403.html", {"exception": "您的角色不能受理案件"}, status=403)
    form = CaseForm(
        request.POST or None,
        initial={"org_code": user.org.code, "opened_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        del data["org_code"]
        org = picked_org(form, user)
        try:
            if org is not None:
                case = open_case(by=user, org=org, client_ip=client_ip(request), **data)
                messages.success(request, f"已受理，案件编号{case.pk}")
                return redirect("rights:case_detail", pk=case.pk)
        except DomainError as exc:
            show_error(form, exc)
    return page(request, "rights/case_form.html", {"nav": "rights", "form": form})


@console_view
def case_detail_page(request, pk: int):
    return _detail_page(request, case_for(request.user, pk))


def _detail_page(request, case, *, problems=(), status: int = 200, in_clear: bool = False):
    detail = case_detail(request.user, case, in_clear=in_clear)
    workers = detail["workers"]
    context = {
        "nav": "rights",
        "case": case,
        "d": detail,
        "workers": workers,
        "in_clear": in_clear,
        "owed_total_fen": sum(w.owed_fen for w in workers),
        "recovered_total_fen": sum(w.wages_fen + w.compensation_fen for w in workers),
        "referrals": REFERRALS,
        "import_form": ImportForm(),
        "transfer_form": TransferForm(),
        "worker_columns": "、".join(WORKER_COLUMNS),
        "recovery_columns": "、".join(RECOVERY_COLUMNS),
        "problems": problems,
        "open": case.state != CaseState.CLOSED,
    }
    return page(request, "rights/case_detail.html", context, status=status)


@never_cache
@console_view
@require_POST
def case_reveal(request, pk: int):
    """The case page with its workers' names and phones in clear, for the case's officer or
    reviewer (audited by the service); anyone else gets the masked page and a refusal."""
    user = request.user
    case = case_for(user, pk)
    try:
        reveal_case_workers(by=user, case=case, client_ip=client_ip(request))
    except DomainError as exc:
        return _detail_page(request, case, problems=[exc.message], status=exc.status)
    return _detail_page(request, case, in_clear=True)


@console_view
@require_POST
def case_action(request, pk: int):
    user = request.user
    case = case_for(user, pk)
    post = request.POST
    try:
        move_case(
            by=user,
            case=case,
            action=post.get("action", ""),
            reason=post.get("reason", ""),
            referral=post.get("referral", ""),
            external_body=post.get("external_body", ""),
            client_ip=client_ip(request),
        )
        messages.success(request, f"案件已进入“{case.get_state_display()}”")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("rights:case_detail", pk=pk)


@console_view
@require_POST
def case_import(request, pk: int, kind: str):
    """A roster of workers owed, or a list of recoveries, for the case: all rows or none."""
    user = request.user
    case = case_for(user, pk)
    if kind not in ("workers", "recoveries"):
        raise Http404
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要导入的文件")
        return redirect("rights:case_detail", pk=pk)
    upload = form.cleaned_data["file"]
    importer = import_case_workers if kind == "workers" else import_recoveries
    try:
        with clear_copy(upload.read()) as path:
            report = importer(
                path, by=user, case=case, filename=upload.name, client_ip=client_ip(request)
            )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("rights:case_detail", pk=pk)
    if report.ok:
        messages.success(request, report.summary())
        return redirect("rights:case_detail", pk=pk)
    problems = [str(p) for p in report.errors[:200]]
    return _detail_page(
        request, case_for(user, pk), problems=[report.summary(), *problems], status=400
    )


@console_view
@require_POST
def case_recovery(request, pk: int):
    """One instalment for one worker from the case page."""
    user = request.user
    case = case_for(user, pk)
    post = request.POST
    try:
        item = Instalment(
            int(post.get("case_worker") or 0),
            yuan_to_fen(post.get("wages") or "0", field="wages_fen", label="追回工资"),
            yuan_to_fen(
                post.get("compensation") or "0", field="compensation_fen", label="追回赔偿金"
            ),
            parse_date(post.get("recovered_on", ""), field="recovered_on", label="追回日期"),
        )
        record_recoveries(by=user, case=case, items=[item], client_ip=client_ip(request))
        messages.success(request, "已登记追回")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("rights:case_detail", pk=pk)


@console_view
@require_POST
def case_transfer(request, pk: int):
    user = request.user
    case = case_for(user, pk)
    form = TransferForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写接收组织和移交理由")
        return redirect("rights:case_detail", pk=pk)
    to_org = picked_org(form, user, field="to_org")
    if to_org is None:  # the picker's refusal, naming the candidates when several fit
        messages.error(request, form.errors["to_org"][0])
        return redirect("rights:case_detail", pk=pk)
    try:
        transfer_case(
            by=user,
            case=case,
            to_org=to_org,
            reason=form.cleaned_data["reason"],
            client_ip=client_ip(request),
        )
        messages.success(request, f"已移交{to_org.name}，本单位保留查看权限")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("rights:case_detail", pk=pk)


@console_view
def case_export(request, pk: int):
    user = request.user
    case = case_for(user, pk)
    book = case_workbook(user, case, case_detail(user, case)["workers"])
    return xlsx_response(book, download_name(f"欠薪案件{case.pk}", case.org.code, "xlsx"))


@console_view
def figures(request):
    """The wage-arrears figures by child org (本级, every child, 合计) for a year or dates."""
    period, problem = period_in(request)
    drilled = figures_asked_for(
        request.user, FIGURES.indicators, period=period, org_code=org_code_in(request)
    )
    context = {"nav": "rights", "figures": page_context(FIGURES, drilled, problem)}
    return page(request, "rights/figures.html", context)


@console_view
def figures_export(request):
    period, problem = period_in(request)
    if problem:
        return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
    drilled = figures_asked_for(
        request.user, FIGURES.indicators, period=period, org_code=org_code_in(request)
    )
    return xlsx_response(figures_workbook(request.user, drilled), workbook_name(FIGURES, drilled))
