"""Console pages for mutual aid: the queue, claims with their timeline and actions, filing,
plans, enrolment (one worker, or a roster reviewed by the union above), documents and
figures with Excel export.

Every read goes through the mutual-aid selectors (scoped to the user) and every write
through its services; a claim outside the user's subtree is 404.
"""

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from gonghui.accounts.selectors import figures_asked_for
from gonghui.core.errors import DomainError
from gonghui.core.figures import org_code_in, page_context, period_in, workbook_name
from gonghui.core.forms import show_error
from gonghui.core.importing import clear_copy
from gonghui.core.money import yuan_text, yuan_to_fen
from gonghui.core.views import client_ip, console_view, download_name, page, xlsx_response
from gonghui.mutualaid.api import document_response
from gonghui.mutualaid.exporters import claims_workbook, figures_workbook
from gonghui.mutualaid.forms import (
    ClaimForm,
    DocumentForm,
    EnrolForm,
    PlanForm,
    RosterForm,
    RosterReviewForm,
)
from gonghui.mutualaid.importers import ROSTER_COLUMNS, import_enrolments
from gonghui.mutualaid.indicators import FIGURES
from gonghui.mutualaid.models import ClaimState, RosterState
from gonghui.mutualaid.selectors import (
    claim_detail,
    claim_for,
    claim_queue,
    claim_row,
    claims_visible_to,
    document_for,
    enrolment_of,
    plans_visible_to,
    roster_for,
    roster_list,
    roster_out,
    worker_by_id,
)
from gonghui.mutualaid.services import (
    REVIEWERS,
    STAFF,
    act_on_claim,
    attach_document,
    create_plan,
    enrol_worker,
    file_claim,
    may_review_roster,
    open_document,
    record_claim_view,
    reveal_diagnosis,
    review_roster,
)
from gonghui.orgs.picker import picked_org

PAGE_SIZE = 50
# What ``file_claim`` and the upload check name → the claim form's fields.
CLAIM_FIELDS = {"claimed_fen": "claimed", "file": "document"}
# What ``create_plan`` and ``yuan_to_fen`` name → the plan form's fields.
PLAN_FIELDS = {"contribution_fen": "contribution", "annual_cap_fen": "annual_cap"}
# One line of the benefits box: a category, then the amount after a space, colon or comma.
BENEFIT_LINE = re.compile(r"(?P<category>.+?)[\s:：，]+(?P<amount>\S+)")


def _yuan(fen: int | None) -> str:
    return "" if fen is None else yuan_text(fen)


def _listed(request):
    """The queue (default) or all claims of a state, as the list page and its export show it."""
    user = request.user
    state = request.GET.get("state") or ""
    if state == "":
        return "waiting", claim_queue(user)
    return state, claims_visible_to(user, state=None if state == "all" else state)


@console_view
def claim_list(request):
    """What waits for me (the default tab), or every claim of a state, in my subtree."""
    tab, claims = _listed(request)
    page_obj = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {**claim_row(c), "claimed": _yuan(c.claimed_fen), "approved": _yuan(c.approved_fen)}
        for c in page_obj
    ]
    context = {
        "nav": "mutualaid",
        "page_obj": page_obj,
        "rows": rows,
        "tab": tab,
        "states": ClaimState.choices,
        "may_file": request.user.role in STAFF,
    }
    return page(request, "mutualaid/claim_list.html", context)


@console_view
def claim_export(request):
    """The list as shown (queue or state) as .xlsx, without health data; audited."""
    tab, claims = _listed(request)
    book = claims_workbook(request.user, claims, tab=tab)
    name = download_name(f"互助金申请-{tab}", request.user.org.code, "xlsx")
    return xlsx_response(book, name)


@console_view
def claim_detail_page(request, pk: int):
    """The claim with the rule behind its amount, its documents, its timeline and the
    buttons for the steps the user may take now; every opening is audited."""
    user = request.user
    claim = claim_for(user, pk)
    record_claim_view(by=user, claim=claim, client_ip=client_ip(request))
    return _detail_page(request, claim)


def _detail_page(request, claim, *, diagnosis: str | None = None, upload_form=None):
    detail = claim_detail(request.user, claim)
    context = {
        "nav": "mutualaid",
        "claim": claim,
        "d": detail,
        "diagnosis": diagnosis,
        "claimed": _yuan(claim.claimed_fen),
        "approved": _yuan(claim.approved_fen),
        "rule": _yuan(claim.rule_fen),
        "state_label": claim.get_state_display(),
        "may_reveal": request.user.role in ("reviewer", "province_admin"),
        "may_open_documents": request.user.role in STAFF | REVIEWERS,
        "may_upload": request.user.role in STAFF
        and claim.state in (ClaimState.DRAFT, ClaimState.SUBMITTED, ClaimState.RETURNED),
        "upload_form": upload_form or DocumentForm(),
    }
    return page(request, "mutualaid/claim_detail.html", context)


@console_view
@require_POST
def claim_action(request, pk: int):
    """One workflow step from the detail page; a refusal is shown there, nothing changes."""
    user = request.user
    claim = claim_for(user, pk)
    action = request.POST.get("action", "")
    amount_text = (request.POST.get("amount") or "").strip()
    try:
        amount = (
            yuan_to_fen(amount_text, field="amount_fen", label="批准金额") if amount_text else None
        )
        act_on_claim(
            by=user,
            claim=claim,
            action=action,
            reason=request.POST.get("reason", ""),
            amount_fen=amount,
            client_ip=client_ip(request),
        )
        messages.success(request, f"已{claim.get_state_display()}")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("mutualaid:claim_detail", pk=pk)


@console_view
@require_POST
def claim_diagnosis(request, pk: int):
    """Show the diagnosis in clear on the detail page: reviewers in scope only, audited."""
    user = request.user
    claim = claim_for(user, pk)
    try:
        diagnosis = reveal_diagnosis(by=user, claim=claim, client_ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("mutualaid:claim_detail", pk=pk)
    return _detail_page(request, claim, diagnosis=diagnosis)


@console_view
@require_POST
def document_upload(request, pk: int):
    user = request.user
    claim = claim_for(user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["document"]
        try:
            _attach(request, claim, upload)
            messages.success(request, f"已上传“{upload.name}”")
            return redirect("mutualaid:claim_detail", pk=pk)
        except DomainError as exc:
            form.add_error("document", exc.message)
    return _detail_page(request, claim, upload_form=form)


def _attach(request, claim, upload) -> None:
    attach_document(
        by=request.user,
        claim=claim,
        filename=upload.name,
        data=upload.read(),
        client_ip=client_ip(request),
    )


@console_view
def document_download(request, pk: int):
    user = request.user
    document = document_for(user, pk)
    try:
        data = open_document(by=user, document=document, client_ip=client_ip(request))
    except DomainError as exc:
        return page(request, "403.html", {"exception": exc.message}, status=403)
    return document_response(document, data)


def _plans(user):
    return list(plans_visible_to(user).prefetch_related("benefits"))


@console_view
def claim_create(request):
    """File a claim for an enrolled worker, optionally with its first document; the claim
    starts as a draft to be submitted from its page."""
    user = request.user
    if user.role not in STAFF:
        return page(request, "403.html", {"exception": "您的角色不能申请互助金"}, status=403)
    plans = _plans(user)
    form = ClaimForm(request.POST or None, request.FILES or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        claim = _file(request, form, plans)
        if claim is not None:
            messages.success(request, "申请已保存为草稿，核对无误后请提交")
            return redirect("mutualaid:claim_detail", pk=claim.pk)
    context = {"nav": "mutualaid", "form": form, "plans": plans, "may_file": True}
    return page(request, "mutualaid/claim_form.html", context)


def _file(request, form: ClaimForm, plans):
    data = form.cleaned_data
    plan = next(p for p in plans if str(p.pk) == data["plan"])
    enrolment = enrolment_of(request.user, plan=plan, id_number=data["id_number"])
    if enrolment is None:
        form.add_error("id_number", f"在您的管辖范围内没有找到参加“{plan.name}”的该职工")
        return None
    try:
        claimed = yuan_to_fen(data["claimed"], field="claimed_fen", label="申请金额")
        upload = data["document"]
        with transaction.atomic():
            claim = file_claim(
                by=request.user,
                enrolment=enrolment,
                category=data["category"],
                diagnosed_on=data["diagnosed_on"],
                hospital=data["hospital"],
                diagnosis=data["diagnosis"],
                claimed_fen=claimed,
                client_ip=client_ip(request),
            )
            if upload is not None:
                _attach(request, claim, upload)
        return claim
    except DomainError as exc:
        show_error(form, exc, fields=CLAIM_FIELDS)
    return None


@console_view
def enrol(request):
    """Enrol one worker (found by ID number in the user's subtree) in a plan."""
    user = request.user
    if user.role not in STAFF:
        return page(request, "403.html", {"exception": "您的角色不能办理参保"}, status=403)
    plans = _plans(user)
    form = EnrolForm(request.POST or None, plans=plans)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = next(p for p in plans if str(p.pk) == data["plan"])
        worker = worker_by_id(user, data["id_number"])
        if worker is None:
            form.add_error("id_number", "在您的管辖范围内没有该身份证号的职工")
        else:
            try:
                enrol_worker(
                    by=user,
                    plan=plan,
                    worker=worker,
                    paid_on=data["paid_on"],
                    client_ip=client_ip(request),
                )
                messages.success(request, f"已为{worker.name[0]}*办理{plan.year}年度参保")
                return redirect("mutualaid:enrol")
            except DomainError as exc:
                show_error(form, exc, fields={"worker": "id_number"})
    context = {"nav": "mutualaid", "form": form, "plans": plans, "may_file": True}
    return page(request, "mutualaid/enrol.html", context)


@console_view
def figures(request):
    """The mutual-aid figures by child org (本级, every child, 合计) for a year or dates."""
    period, problem = period_in(request)
    drilled = figures_asked_for(
        request.user, FIGURES.indicators, period=period, org_code=org_code_in(request)
    )
    context = {"nav": "mutualaid", "figures": page_context(FIGURES, drilled, problem)}
    return page(request, "mutualaid/figures.html", context)


@console_view
def figures_export(request):
    period, problem = period_in(request)
    if problem:
        return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
    drilled = figures_asked_for(
        request.user, FIGURES.indicators, period=period, org_code=org_code_in(request)
    )
    return xlsx_response(figures_workbook(request.user, drilled), workbook_name(FIGURES, drilled))


@console_view
def plan_list(request):
    """The plans the user's workers may join: run in the user's subtree or by the unions
    above it, as ``/api/mutualaid/plans`` lists them."""
    context = {
        "nav": "mutualaid",
        "plans": _plans(request.user),
        "may_file": request.user.role in STAFF,
    }
    return page(request, "mutualaid/plan_list.html", context)


@console_view
def plan_create(request):
    """A yearly plan of an org in the user's subtree, through ``create_plan`` (its checks,
    its audit); a refusal is shown next to the field it concerns."""
    user = request.user
    if user.role not in STAFF:
        return page(request, "403.html", {"exception": "您的角色不能设立互助保障计划"}, status=403)
    form = PlanForm(request.POST or None, initial={"org_code": user.org.code})
    if request.method == "POST" and form.is_valid():
        plan = _create_plan(request, form)
        if plan is not None:
            messages.success(request, f"已设立“{plan.name}”，可以办理参保了")
            return redirect("mutualaid:plan_list")
    return page(request, "mutualaid/plan_form.html", {"nav": "mutualaid", "form": form})


def _create_plan(request, form: PlanForm):
    data = form.cleaned_data
    org = picked_org(form, request.user)
    if org is None:
        return None
    try:
        return create_plan(
            by=request.user,
            org=org,
            year=data["year"],
            name=data["name"],
            contribution_fen=yuan_to_fen(
                data["contribution"], field="contribution_fen", label="每人缴费"
            ),
            enrol_opens=data["enrol_opens"],
            enrol_closes=data["enrol_closes"],
            cover_starts=data["cover_starts"],
            cover_ends=data["cover_ends"],
            annual_cap_fen=yuan_to_fen(
                data["annual_cap"], field="annual_cap_fen", label="年度最高互助金"
            ),
            waiting_days=data["waiting_days"],
            benefits=_benefits(data["benefits"]),
        )
    except DomainError as exc:
        show_error(form, exc, fields=PLAN_FIELDS)
    return None


def _benefits(text: str) -> dict[str, int]:
    """The benefits box as category → fen; a line that is not “类别 金额” is refused by its
    number, the amounts' own checks are ``yuan_to_fen``'s and the service's."""
    benefits: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = BENEFIT_LINE.fullmatch(line.strip())
        if match is None:
            raise DomainError(
                "bad_benefit", f"给付标准第{number}行应为“疾病类别 金额”", field="benefits"
            )
        category = match["category"]
        if category in benefits:
            raise DomainError("bad_benefit", f"疾病类别“{category}”写了两次", field="benefits")
        benefits[category] = yuan_to_fen(
            match["amount"], field="benefits", label=f"“{category}”的互助金"
        )
    return benefits


def _roster_tab(request) -> str:
    return "waiting" if request.GET.get("state") == "waiting" else "all"


@console_view
def roster_list_page(request):
    """Rosters in the user's subtree, or (``?state=waiting``, the home page's link) those
    waiting for the user's review, with their row counts."""
    user = request.user
    tab = _roster_tab(request)
    rosters = roster_list(user, waiting=tab == "waiting")
    context = {
        "nav": "mutualaid",
        "tab": tab,
        "page_obj": Paginator(rosters, PAGE_SIZE).get_page(request.GET.get("page")),
        "may_file": user.role in STAFF,
    }
    return page(request, "mutualaid/roster_list.html", context)


@console_view
def roster_upload(request):
    """A roster for a plan from Excel/CSV: every row checked, then all of it goes to the
    union above for review, or nothing does; problems listed by row and column."""
    user = request.user
    if user.role not in STAFF:
        return page(request, "403.html", {"exception": "您的角色不能报送参保名册"}, status=403)
    plans = _plans(user)
    form = RosterForm(request.POST or None, request.FILES or None, plans=plans)
    report = None
    if request.method == "POST" and form.is_valid():
        plan = next(p for p in plans if str(p.pk) == form.cleaned_data["plan"])
        upload = form.cleaned_data["file"]
        with clear_copy(upload.read()) as path:
            report = import_enrolments(
                path, by=user, plan=plan, filename=upload.name, client_ip=client_ip(request)
            )
        if report.ok:
            messages.success(request, f"{report.summary()}，已报送上级工会审核")
            return redirect("mutualaid:roster_detail", pk=report.run_id)
    context = {
        "nav": "mutualaid",
        "form": form,
        "plans": plans,
        "report": report,
        "shown_errors": report.errors[:500] if report else [],
        "columns": ROSTER_COLUMNS,
        "may_file": True,
    }
    return page(request, "mutualaid/roster_upload.html", context, status=400 if report else 200)


@console_view
def roster_detail(request, pk: int):
    """A roster's rows (masked names) and their decisions; the union above reviews it here."""
    return _roster_page(request, roster_for(request.user, pk))


def _roster_page(request, roster, *, form=None, status: int = 200):
    context = {
        "nav": "mutualaid",
        "roster": roster,
        "rows": roster_out(roster)["rows"],
        "may_review": roster.state == RosterState.SUBMITTED
        and may_review_roster(request.user, roster),
        "form": form or RosterReviewForm(rows=roster.rows.all()),
    }
    return page(request, "mutualaid/roster_detail.html", context, status=status)


@console_view
@require_POST
def roster_review(request, pk: int):
    """Accept the roster but the rows ticked (returned with the reason), or return it whole
    (``whole``), through ``review_roster``; accepted rows are enrolled there and then."""
    user = request.user
    roster = roster_for(user, pk)
    rows = list(roster.rows.all())
    form = RosterReviewForm(request.POST, rows=rows)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        numbers = (
            [r.row_number for r in rows]
            if "whole" in request.POST
            else form.cleaned_data["returned"]
        )
        try:
            enrolled = review_roster(
                by=user,
                roster=roster,
                returned={n: reason for n in numbers},
                client_ip=client_ip(request),
            )
        except DomainError as exc:
            show_error(form, exc, fields={"returned": "reason"})
        else:
            messages.success(request, f"已审核：{len(enrolled)}人参保，退回{len(numbers)}行")
            return redirect("mutualaid:roster_detail", pk=pk)
    return _roster_page(request, roster_for(user, pk), form=form, status=400)
