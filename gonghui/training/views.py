"""Night-school pages: the staff console (classes, roster, roll call, figures, competitions,
craftsmen, training-fund projects) and the worker's phone pages (``/training/m/``).

Staff reads go through the training selectors (scoped to the user), every write
through the training services. The worker pages know the worker from the portal
session set by a signed link (see ``tokens.py``); they never show another
worker's name.
"""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms import Form
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gonghui.accounts.selectors import figures_asked_for
from gonghui.core.errors import DomainError
from gonghui.core.figures import org_code_in, page_context, period_in
from gonghui.core.forms import UploadForm, show_error
from gonghui.core.importing import clear_copy
from gonghui.core.money import fen_to_yuan, yuan_text, yuan_to_fen
from gonghui.core.portal import (
    enter_portal,
    portal_url,
    portal_worker_id,
    read_portal_token,
)
from gonghui.core.scoping import in_scope
from gonghui.core.views import client_ip, download_name, page, xlsx_response
from gonghui.members.selectors import (
    mask_name,
    worker_by_id_number,
    worker_for,
    worker_visible_by_id_number,
)
from gonghui.members.validation import clean_id
from gonghui.orgs.picker import picked_org
from gonghui.orgs.selectors import pick_org
from gonghui.training.competitions import (
    award_from_results,
    award_title,
    competition_for,
    competitions_visible_to,
    create_competition,
    enter_competition,
    entries_of,
    may_award,
    may_score,
    public_titles,
    ranking,
    ranking_visible_to,
    record_score,
    set_public_profile,
    titles_by_name,
    titles_visible_to,
)
from gonghui.training.exporters import class_workbook, fund_workbook, ranking_workbook
from gonghui.training.forms import (
    ClassForm,
    CompetitionForm,
    EnrolForm,
    FundProjectForm,
    LotteryForm,
    OutcomeForm,
    ResultsAwardForm,
    ScoreForm,
    SpendingForm,
    TitleForm,
    TraineeForm,
)
from gonghui.training.funds import (
    add_trainee,
    create_fund_project,
    fund_project_for,
    fund_projects_listed,
    record_outcome,
    record_spending,
    spendings_of,
    trainee_for,
    trainees_of,
    update_fund_project,
)
from gonghui.training.importers import (
    FUND_COLUMNS,
    SCORE_COLUMNS,
    import_fund_trainees,
    import_scores,
)
from gonghui.training.indicators import FIGURES
from gonghui.training.models import AttendanceChannel, Channel, Enrolment, OutcomeKind
from gonghui.training.selectors import (
    attendance_count,
    class_for,
    class_open_to,
    classes_awaiting_draw,
    classes_open_to,
    classes_visible_to,
    enrolment_for,
    enrolments_of,
    enrolments_visible_to,
    live_enrolment,
    portal_worker,
    roster,
    session_for,
    session_open_to,
    waiting_position,
)
from gonghui.training.services import (
    WorkerActor,
    cancel_enrolment,
    draw_lottery,
    enrol,
    issue_certificate,
    open_class,
    record_attendance,
    record_roll_call,
)
from gonghui.training.tokens import issue_session_token, read_session_token

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What the fund services name (their keywords, the model's fields) → the project form's fields.
FUND_FIELDS = {"budget_fen": "budget"}


def _console(user) -> None:
    if not user.scope_path:
        raise Http404


def _qr(text: str, title: str) -> str:
    # segno writes the SVG from the text alone (a URL of letters, digits and ':/-_').
    return mark_safe(segno.make(text, error="m").svg_inline(scale=5, border=3, title=title))


# --- staff console --------------------------------------------------------------------------


@login_required
def class_list(request):
    user = request.user
    _console(user)
    pending = request.GET.get("draw") == "pending"
    classes = list(classes_awaiting_draw(user) if pending else classes_visible_to(user))
    counts: dict[int, dict[str, int]] = {}
    live = enrolments_visible_to(user).filter(klass__in=classes).exclude(state="cancelled")
    for row in live.order_by().values("klass_id", "state").annotate(n=Count("id")):
        counts.setdefault(row["klass_id"], {"enrolled": 0, "waiting": 0})[row["state"]] = row["n"]
    rows = [{"klass": k, **counts.get(k.pk, {"enrolled": 0, "waiting": 0})} for k in classes]
    context = {"nav": "training", "rows": rows, "pending": pending}
    return page(request, "training/class_list.html", context)


@login_required
def class_create(request):
    user = request.user
    _console(user)
    if not user.can("manage_programs"):
        raise Http404
    form = ClassForm(request.POST or None, initial={"org_code": user.org.code, "capacity": 30})
    if request.method == "POST" and form.is_valid():
        klass = _save_class(form, request)
        if klass is not None:
            messages.success(request, f"已开设班级“{klass.name}”，共{klass.sessions.count()}次课")
            return redirect("training:detail", pk=klass.pk)
    return page(request, "training/class_form.html", {"nav": "training", "form": form})


def _save_class(form: ClassForm, request):
    user, data = request.user, form.cleaned_data
    org = picked_org(form, user)
    if org is None:
        return None
    try:
        return open_class(
            by=user,
            org=org,
            subject=data["subject"],
            course_name=data["course_name"],
            name=data["name"],
            teacher=data["teacher"],
            room=data["room"],
            weekdays=[int(d) for d in data["weekdays"]],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            term_starts=data["term_starts"],
            term_ends=data["term_ends"],
            capacity=data["capacity"],
            lottery=data["lottery"],
            certificate_sessions=data["certificate_sessions"],
            client_ip=client_ip(request),
        )
    except (ValidationError, DomainError) as exc:
        show_error(form, exc)
    return None


def _masked(rows: list[Enrolment]) -> list[dict]:
    return [{"e": e, "name": mask_name(e.worker.name)} for e in rows]


@login_required
def class_detail(request, pk: int):
    user = request.user
    _console(user)
    klass = class_for(user, pk)
    people = roster(klass, enrolments_visible_to(user, klass))
    context = {
        "nav": "training",
        "klass": klass,
        "enrolled": _masked(people["enrolled"]),
        "waiting": _masked(people["waiting"]),
        "sessions": list(klass.sessions.all()),
        "holds_class": in_scope(user, klass.org_path),
        "enrol_form": EnrolForm(),
        "lottery_form": LotteryForm(),
    }
    return page(request, "training/class_detail.html", context)


@login_required
def class_export(request, pk: int):
    user = request.user
    _console(user)
    klass = class_for(user, pk)
    book = class_workbook(
        klass, roster(klass, enrolments_visible_to(user, klass)), list(klass.sessions.all())
    )
    return xlsx_response(book, download_name(f"{klass.name}-名单", klass.org.code, "xlsx"))


@login_required
@require_POST
def class_enrol(request, pk: int):
    """Staff apply for a worker named by ID number (looked up in the staff's subtree)."""
    user = request.user
    _console(user)
    klass = class_for(user, pk)
    form = EnrolForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("id_required", "请填写职工身份证号")
        number = clean_id(form.cleaned_data["id_number"]).number
        worker = worker_visible_by_id_number(user, number)
        if worker is None:
            raise DomainError("unknown_worker", "您管辖范围内的职工名册中没有该身份证号")
        done = enrol(
            by=user,
            klass=klass,
            worker=worker,
            channel=Channel.CONSOLE,
            client_ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        e = done.enrolment
        where = "已录取" if e.state == "enrolled" else f"候补第{waiting_position(e)}位"
        verb = "报名成功" if done.created else "此前已报名"
        messages.success(request, f"{mask_name(worker.name)} {verb}：{where}")
    return redirect("training:detail", pk=klass.pk)


@login_required
@require_POST
def enrolment_cancel(request, pk: int):
    user = request.user
    _console(user)
    enrolment = enrolment_for(user, pk)
    try:
        promoted = cancel_enrolment(by=user, enrolment=enrolment, client_ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        note = f"，候补的 {mask_name(promoted.worker.name)} 已递补录取" if promoted else ""
        messages.success(request, f"已取消 {mask_name(enrolment.worker.name)} 的报名{note}")
    return redirect("training:detail", pk=enrolment.klass_id)


@login_required
@require_POST
def class_lottery(request, pk: int):
    user = request.user
    _console(user)
    klass = class_for(user, pk)
    form = LotteryForm(request.POST)
    seed = form.cleaned_data["seed"] if form.is_valid() else ""
    try:
        drawn = draw_lottery(by=user, klass=klass, seed=seed or None, client_ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        klass.refresh_from_db()
        messages.success(
            request,
            f"摇号完成（种子“{klass.lottery_seed}”）：{len(drawn)}人参加，"
            f"录取{min(len(drawn), klass.capacity)}人，其余按抽签顺序候补",
        )
    return redirect("training:detail", pk=klass.pk)


@never_cache
@login_required
def roll_call(request, pk: int):
    """The teacher's list for one session, and the session's sign-in QR code."""
    user = request.user
    _console(user)
    session = session_for(user, pk)
    klass = session.klass
    seated = roster(klass, enrolments_visible_to(user, klass))["enrolled"]
    if request.method == "POST":
        ticked = {int(v) for v in request.POST.getlist("present") if v.isdigit()}
        try:
            new = record_roll_call(
                by=user,
                session=session,
                workers=[e.worker for e in seated if e.pk in ticked],
                client_ip=client_ip(request),
            )
            messages.success(request, f"已登记出勤，新增{new}人次")
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("training:roll_call", pk=session.pk)
    present = set(session.attendances.values_list("enrolment_id", flat=True))
    url = request.build_absolute_uri(
        reverse("training:m_attend", args=[issue_session_token(session.pk)])
    )
    context = {
        "nav": "training",
        "session": session,
        "klass": klass,
        "rows": [
            {"e": e, "name": mask_name(e.worker.name), "present": e.pk in present} for e in seated
        ],
        "qr": _qr(url, "签到二维码"),
        "qr_url": url,
    }
    return page(request, "training/roll_call.html", context)


@login_required
def certificate(request, pk: int):
    """The printable completion certificate; issued (numbered) on first view if earned."""
    user = request.user
    _console(user)
    enrolment = enrolment_for(user, pk)
    try:
        enrolment = issue_certificate(by=user, enrolment=enrolment, client_ip=client_ip(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("training:detail", pk=enrolment.klass_id)
    return page(request, "training/certificate.html", _certificate_context(enrolment))


def _certificate_context(enrolment: Enrolment) -> dict:
    return {"e": enrolment, "klass": enrolment.klass, "attended": attendance_count(enrolment)}


@login_required
def figures(request):
    """The training figures by child org (本级, every child, 合计) for a year or dates."""
    user = request.user
    _console(user)
    period, problem = period_in(request)
    drilled = figures_asked_for(
        user, FIGURES.indicators, period=period, org_code=org_code_in(request)
    )
    context = {"nav": "training", "figures": page_context(FIGURES, drilled, problem)}
    return page(request, "training/figures.html", context)


@never_cache
@login_required
def portal_link(request, pk: int):
    """A worker's sign-in link to the night-school phone pages (and its QR code)."""
    user = request.user
    _console(user)
    worker = worker_for(user, pk)
    url = portal_url(request, worker.pk)
    context = {"nav": "training", "worker": worker, "url": url, "qr": _qr(url, "夜校报名链接")}
    return page(request, "training/portal_link.html", context)


# --- the worker's phone pages ---------------------------------------------------------------


def _worker(request):
    worker = portal_worker(portal_worker_id(request))
    if worker is None:
        raise Http404
    return worker


def m_enter(request, token: str):
    try:
        worker_id = read_portal_token(token)
    except DomainError as exc:
        return page(request, "training/m_message.html", {"message": exc.message}, status=403)
    if portal_worker(worker_id) is None:
        raise Http404
    enter_portal(request, worker_id)
    return redirect("training:m_home")


@never_cache
def m_home(request):
    worker = _worker(request)
    mine = {e.klass_id: e for e in enrolments_of(worker).exclude(state="cancelled")}
    rows = [{"klass": k, "status": _status(mine.get(k.pk))} for k in classes_open_to(worker)]
    return page(
        request,
        "training/m_home.html",
        {"worker": worker, "rows": rows, "masked": mask_name(worker.name)},
    )


def _status(enrolment: Enrolment | None) -> str:
    if enrolment is None:
        return ""
    if enrolment.state == "enrolled":
        return "已录取"
    if enrolment.klass.awaiting_lottery:
        return "已报名，待摇号"
    return f"候补第{waiting_position(enrolment)}位"


@never_cache
def m_class(request, pk: int):
    worker = _worker(request)
    klass = class_open_to(worker, pk)
    actor = WorkerActor(worker.pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "cancel":
                current = live_enrolment(worker, klass)
                if current is not None:
                    cancel_enrolment(by=actor, enrolment=current, client_ip=client_ip(request))
                    messages.success(request, "已取消报名")
            else:
                enrol(
                    by=actor,
                    klass=klass,
                    worker=worker,
                    channel=Channel.PORTAL,
                    client_ip=client_ip(request),
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("training:m_class", pk=klass.pk)
    enrolment = live_enrolment(worker, klass)
    context = {
        "klass": klass,
        "enrolment": enrolment,
        "status": _status(enrolment),
        "full": klass.enrolled_count >= klass.capacity,
        "sessions": list(klass.sessions.all()),
    }
    return page(request, "training/m_class.html", context)


@never_cache
def m_attend(request, token: str):
    """A worker scanned the session's QR code: sign in (once) for that session."""
    worker = _worker(request)
    try:
        session = _session_open_to(worker, read_session_token(token))
        _, created = record_attendance(
            by=WorkerActor(worker.pk),
            session=session,
            worker=worker,
            channel=AttendanceChannel.QR,
            client_ip=client_ip(request),
        )
    except DomainError as exc:
        return page(request, "training/m_message.html", {"message": exc.message}, status=409)
    text = "签到成功" if created else "本次课已签到"
    return page(
        request,
        "training/m_message.html",
        {
            "message": f"{text}：{session.klass.name} 第{session.number}次课（{session.day}）",
            "ok": True,
        },
    )


def _session_open_to(worker, session_id: int):
    found = session_open_to(worker, session_id)
    if found is None:
        raise DomainError("token_invalid", "该签到二维码不属于您可参加的班级")
    return found


def m_certificate(request, pk: int):
    worker = _worker(request)
    enrolment = enrolments_of(worker).filter(pk=pk).first()
    if enrolment is None:
        raise Http404
    try:
        enrolment = issue_certificate(
            by=WorkerActor(worker.pk), enrolment=enrolment, client_ip=client_ip(request)
        )
    except DomainError as exc:
        return page(request, "training/m_message.html", {"message": exc.message}, status=409)
    return page(request, "training/certificate.html", _certificate_context(enrolment))


# --- skill competitions ---------------------------------------------------------------------


@login_required
def competition_list(request):
    user = request.user
    _console(user)
    context = {"nav": "training", "competitions": list(competitions_visible_to(user))}
    return page(request, "training/competition_list.html", context)


@login_required
def competition_create(request):
    user = request.user
    _console(user)
    if not user.can("manage_programs"):
        raise Http404
    initial = {"org_code": user.org.code, "held_on": timezone.localdate(), "theory_weight": 30}
    form = CompetitionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        # The form's fields are the service's keywords, the org given by its code.
        terms = {k: v for k, v in form.cleaned_data.items() if k != "org_code"}
        try:
            competition = create_competition(
                by=user,
                org=pick_org(user, form.cleaned_data["org_code"]),
                client_ip=client_ip(request),
                **terms,
            )
        except (ValidationError, DomainError) as exc:
            show_error(form, exc)
        else:
            messages.success(request, f"已新建竞赛“{competition.name}”")
            return redirect("training:competition", pk=competition.pk)
    return page(request, "training/competition_form.html", {"nav": "training", "form": form})


def _worker_in_form(user, form):
    """The worker of the user's subtree whose whole ID number the form's ``id_number``
    carries, or ``DomainError`` on that field."""
    number = clean_id(form.cleaned_data["id_number"]).number
    worker = worker_visible_by_id_number(user, number)
    if worker is None:
        raise DomainError(
            "unknown_worker", "您管辖范围内的职工名册中没有该身份证号", field="id_number"
        )
    return worker


def _entry_choices(competition) -> list[tuple[int, str]]:
    return [
        (e.pk, f"{mask_name(e.worker.name)} {e.worker.id_masked} {e.worker.org.name}")
        for e in entries_of(competition)
    ]


def _competition_page(
    request,
    competition,
    *,
    bound: dict[str, Form] | None = None,
    problems: list[str] | None = None,
    status: int = 200,
):
    """The results table: rank (ties shared, see ``competitions``), masked names, exact
    scores; the entry form for those who enter workers, the marking form and score-sheet
    upload for those who may mark, and the award by results once the contest is held.
    ``bound`` holds a refused form by its context name, shown with its errors."""
    user = request.user
    rows = ranking_visible_to(user, competition)
    ranks = [r.rank for r in ranking(competition) if r.rank is not None]
    shared = {rank for rank in ranks if ranks.count(rank) > 1}
    scoring = may_score(user, competition)
    held = competition.held_on <= timezone.localdate()
    forms: dict[str, Form | None] = {
        "entry_form": EnrolForm() if user.can("record_services") else None,
        "score_form": ScoreForm(entries=_entry_choices(competition)) if scoring else None,
        "award_form": (
            ResultsAwardForm(initial={"places": 3, "title": "技术能手"})
            if held and ranks and may_award(user, competition)
            else None
        ),
        **(bound or {}),
    }
    context = {
        "nav": "training",
        "competition": competition,
        "practical_weight": 100 - competition.theory_weight,
        "rows": [
            {"r": r, "name": mask_name(r.entry.worker.name), "tied": r.rank in shared} for r in rows
        ],
        **forms,
        "upload_form": UploadForm() if scoring else None,
        "columns": "，".join(SCORE_COLUMNS),
        "problems": problems or [],
    }
    return page(request, "training/competition_detail.html", context, status=status)


@login_required
def competition_detail(request, pk: int):
    user = request.user
    _console(user)
    return _competition_page(request, competition_for(user, pk))


@login_required
@require_POST
def competition_enter(request, pk: int):
    """Enter a worker named by ID number; a refusal is shown next to the number."""
    user = request.user
    _console(user)
    competition = competition_for(user, pk)
    form = EnrolForm(request.POST)
    if form.is_valid():
        try:
            worker = _worker_in_form(user, form)
            enter_competition(
                by=user, competition=competition, worker=worker, client_ip=client_ip(request)
            )
        except DomainError as exc:
            show_error(form, exc, fields={"": "id_number"})
        else:
            messages.success(request, f"{mask_name(worker.name)} 已报名参赛")
            return redirect("training:competition", pk=competition.pk)
    return _competition_page(request, competition, bound={"entry_form": form}, status=400)


def _scorer_competition(user, pk: int):
    """The contest, if the user may mark it; 404 otherwise (sibling or read-only users)."""
    _console(user)
    competition = competition_for(user, pk)
    if not may_score(user, competition):
        raise Http404
    return competition


@login_required
@require_POST
def competition_score(request, pk: int):
    """One judge's mark for one entry and part; a refusal is shown next to its field."""
    user = request.user
    competition = _scorer_competition(user, pk)
    form = ScoreForm(request.POST, entries=_entry_choices(competition))
    if form.is_valid():
        data = form.cleaned_data
        entry = entries_of(competition).get(pk=data["entry"])
        try:
            marked = record_score(
                by=user,
                entry=entry,
                judge=data["judge"],
                part=data["part"],
                points=data["points"],
                client_ip=client_ip(request),
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            verb = {"created": "已登记", "updated": "已更正", "unchanged": "与原评分相同，未改动"}
            score = marked.score
            messages.success(
                request,
                f"{mask_name(entry.worker.name)} {score.get_part_display()}，"
                f"评委“{score.judge}”：{score.points}分，{verb[marked.change]}",
            )
            return redirect("training:competition", pk=competition.pk)
    return _competition_page(request, competition, bound={"score_form": form}, status=400)


@login_required
@require_POST
def competition_import(request, pk: int):
    """A judges' score sheet from Excel/CSV: all rows or none; problems listed by row."""
    user = request.user
    competition = _scorer_competition(user, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要导入的文件")
        return redirect("training:competition", pk=competition.pk)
    upload = form.cleaned_data["file"]
    with clear_copy(upload.read()) as path:
        report = import_scores(
            path,
            competition=competition,
            by=user,
            filename=upload.name,
            client_ip=client_ip(request),
        )
    if report.ok:
        messages.success(request, report.summary())
        return redirect("training:competition", pk=competition.pk)
    problems = [report.summary(), *(str(p) for p in report.errors[:200])]
    return _competition_page(request, competition, problems=problems, status=400)


@login_required
def competition_export(request, pk: int):
    """The ranking as the user's page shows it, in Excel."""
    user = request.user
    _console(user)
    competition = competition_for(user, pk)
    book = ranking_workbook(competition, ranking_visible_to(user, competition))
    name = download_name(f"{competition.name}-成绩排名", competition.org.code, "xlsx")
    return xlsx_response(book, name)


@login_required
@require_POST
def competition_award(request, pk: int):
    """A title for the entries placed N or better; a refusal is shown next to its field."""
    user = request.user
    _console(user)
    competition = competition_for(user, pk)
    if not may_award(user, competition):
        raise Http404
    form = ResultsAwardForm(request.POST)
    if form.is_valid():
        try:
            awarded = award_from_results(
                by=user,
                competition=competition,
                places=form.cleaned_data["places"],
                title=form.cleaned_data["title"],
                client_ip=client_ip(request),
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            names = "、".join(mask_name(t.worker.name) for t in awarded)
            messages.success(request, f"已授予“{awarded[0].title}”{len(awarded)}人：{names}")
            return redirect("training:competition", pk=competition.pk)
    return _competition_page(request, competition, bound={"award_form": form}, status=400)


# --- craftsmen registry ---------------------------------------------------------------------


def _craftsmen_page(request, form: TitleForm | None = None, status: int = 200):
    user = request.user
    rows = [{"t": t, "name": mask_name(t.worker.name)} for t in titles_visible_to(user)[:500]]
    if form is None and user.can("manage_programs"):
        form = TitleForm(initial={"year": timezone.localdate().year})
    context = {"nav": "training", "by_title": titles_by_name(user), "rows": rows, "form": form}
    return page(request, "training/craftsmen.html", context, status=status)


@login_required
def craftsmen(request):
    _console(request.user)
    return _craftsmen_page(request)


@login_required
@require_POST
def craftsman_award(request):
    """An honour for a worker named by ID number; a refusal is shown next to its field."""
    user = request.user
    _console(user)
    if not user.can("manage_programs"):
        raise Http404
    form = TitleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            honour = award_title(
                by=user,
                worker=_worker_in_form(user, form),
                title=data["title"],
                level=data["level"],
                year=data["year"],
                client_ip=client_ip(request),
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            name = mask_name(honour.worker.name)
            messages.success(request, f"已授予 {name} {honour.year}年“{honour.title}”")
            return redirect("training:craftsmen")
    return _craftsmen_page(request, form, status=400)


def craftsman_public(request, pk: int):
    """A craftsman's public page: only when the worker consented; otherwise it does not exist."""
    found = public_titles(pk)
    if found is None:
        raise Http404
    worker, titles = found
    return page(request, "training/craftsman_public.html", {"worker": worker, "titles": titles})


@never_cache
def m_profile(request):
    """The worker consents to (or withdraws) a public craftsman page."""
    worker = _worker(request)
    if request.method == "POST":
        public = request.POST.get("public") == "1"
        set_public_profile(by=WorkerActor(worker.pk), worker=worker, public=public)
        messages.success(request, "已公开个人主页" if public else "已关闭个人主页")
        return redirect("training:m_profile")
    found = public_titles(worker.pk)
    context = {"public": found is not None, "worker": worker}
    return page(request, "training/m_profile.html", context)


# --- training-fund projects -----------------------------------------------------------------


def _fund_manager(user) -> None:
    _console(user)
    if not user.can("manage_programs"):
        raise Http404


@login_required
def fund_list(request):
    """Projects funded in the user's subtree (``?org=CODE`` narrows to one org's subtree)."""
    user = request.user
    _console(user)
    org_code = (request.GET.get("org") or "").strip() or None
    rows = [
        {
            "p": p,
            "budget": yuan_text(p.budget_fen),
            "spent": yuan_text(p.spent_fen),
            "left": yuan_text(p.left_fen),
        }
        for p in fund_projects_listed(user, org_code=org_code)
    ]
    context = {"nav": "training", "rows": rows, "org_code": org_code or ""}
    return page(request, "training/fund_list.html", context)


def _fund_terms(form: FundProjectForm) -> dict | None:
    data = form.cleaned_data
    try:
        budget_fen = yuan_to_fen(data["budget"], field="budget_fen", label="预算")
    except DomainError as exc:
        form.add_error("budget", exc.message)
        return None
    return {
        "name": data["name"],
        "kind": data["kind"],
        "employer_name": data["employer_name"],
        "uscc": data["uscc"],
        "provider": data["provider"],
        "starts_on": data["starts_on"],
        "ends_on": data["ends_on"],
        "budget_fen": budget_fen,
    }


@login_required
def fund_create(request):
    user = request.user
    _fund_manager(user)
    today = timezone.localdate()
    form = FundProjectForm(
        request.POST or None, initial={"org_code": user.org.code, "starts_on": today}
    )
    if request.method == "POST" and form.is_valid():
        terms = _fund_terms(form)
        org = picked_org(form, user)
        if org is None:
            terms = None
        if terms is not None:
            try:
                project = create_fund_project(
                    by=user, org=org, client_ip=client_ip(request), **terms
                )
            except DomainError as exc:
                show_error(form, exc, fields=FUND_FIELDS)
            else:
                messages.success(request, f"已建立培训资助项目“{project.name}”")
                return redirect("training:fund", pk=project.pk)
    context = {"nav": "training", "form": form, "title": "新建培训资助项目"}
    return page(request, "training/fund_form.html", context)


@login_required
def fund_edit(request, pk: int):
    user = request.user
    _fund_manager(user)
    project = fund_project_for(user, pk)
    initial = {
        "org_code": project.org.code,
        "name": project.name,
        "kind": project.kind,
        "employer_name": project.employer.name,
        "uscc": project.employer.uscc,
        "provider": project.provider,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "budget": str(fen_to_yuan(project.budget_fen)),
    }
    form = FundProjectForm(request.POST or None, initial=initial)
    form.fields["org_code"].disabled = True
    if request.method == "POST" and form.is_valid():
        terms = _fund_terms(form)
        if terms is not None:
            try:
                update_fund_project(by=user, project=project, client_ip=client_ip(request), **terms)
            except DomainError as exc:
                show_error(form, exc, fields=FUND_FIELDS)
            else:
                messages.success(request, "已保存")
                return redirect("training:fund", pk=project.pk)
    context = {
        "nav": "training",
        "form": form,
        "title": f"修改 · {project.name}",
        "project": project,
    }
    return page(request, "training/fund_form.html", context)


def _fund_page(request, project, *, problems: list[str] | None = None, status: int = 200):
    trainees = trainees_of(project)
    rows = [
        {
            "t": t,
            "name": mask_name(t.worker.name),
            "results": [(kind, t.results.get(kind.value)) for kind in OutcomeKind],
        }
        for t in trainees
    ]
    counts = {kind.label: sum(kind.value in t.results for t in trainees) for kind in OutcomeKind}
    today = timezone.localdate()
    context = {
        "nav": "training",
        "project": project,
        "budget": yuan_text(project.budget_fen),
        "spent": yuan_text(project.spent_fen),
        "left": yuan_text(project.left_fen),
        "rows": rows,
        "outcome_counts": counts,
        "spendings": [(s, yuan_text(s.amount_fen)) for s in spendings_of(project)],
        "spending_form": SpendingForm(initial={"spent_on": today}),
        "trainee_form": TraineeForm(),
        "outcome_kinds": list(OutcomeKind),
        "outcome_form": OutcomeForm(initial={"on": today}),
        "upload_form": UploadForm(),
        "columns": "，".join(FUND_COLUMNS),
        "problems": problems or [],
    }
    return page(request, "training/fund_detail.html", context, status=status)


@login_required
def fund_detail(request, pk: int):
    user = request.user
    _console(user)
    return _fund_page(request, fund_project_for(user, pk))


@login_required
@require_POST
def fund_spend(request, pk: int):
    user = request.user
    _console(user)
    project = fund_project_for(user, pk)
    form = SpendingForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("bad_form", "请填写支出日期、金额和用途")
        data = form.cleaned_data
        amount = yuan_to_fen(data["amount"], field="amount_fen", label="金额")
        record_spending(
            by=user,
            project=project,
            spent_on=data["spent_on"],
            amount_fen=amount,
            purpose=data["purpose"],
            client_ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已登记支出{yuan_text(amount)}元")
    return redirect("training:fund", pk=project.pk)


@login_required
@require_POST
def fund_trainee_add(request, pk: int):
    """Staff add a trainee named by ID number (looked up in the project's subtree)."""
    user = request.user
    _console(user)
    project = fund_project_for(user, pk)
    form = TraineeForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("id_required", "请填写职工身份证号（入学日期可留空）")
        number = clean_id(form.cleaned_data["id_number"]).number
        worker = worker_by_id_number(number, within_path=project.org_path)
        if worker is None:
            raise DomainError("unknown_worker", "资助组织范围内的职工名册中没有该身份证号")
        added = add_trainee(
            by=user,
            project=project,
            worker=worker,
            joined_on=form.cleaned_data["joined_on"],
            channel=Channel.CONSOLE,
            client_ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        verb = "已登记为学员" if added.created else "此前已是本项目学员"
        messages.success(request, f"{mask_name(worker.name)} {verb}")
    return redirect("training:fund", pk=project.pk)


@login_required
@require_POST
def fund_outcome(request, pk: int):
    """One trainee's result; ``pk`` is the project's, the trainee is chosen in the form."""
    user = request.user
    _console(user)
    project = fund_project_for(user, pk)
    form = OutcomeForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("bad_form", "请选择学员和结果，并填写日期")
        data = form.cleaned_data
        trainee = trainee_for(user, data["trainee"])
        if trainee.project_id != project.pk:
            raise Http404
        outcome = record_outcome(
            by=user,
            trainee=trainee,
            kind=data["kind"],
            on=data["on"],
            note=data["note"],
            client_ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        name = mask_name(trainee.worker.name)
        messages.success(request, f"{name}：{outcome.get_kind_display()}（{outcome.on}）")
    return redirect("training:fund", pk=project.pk)


@login_required
@require_POST
def fund_import(request, pk: int):
    """A roster of trainees from Excel/CSV: all rows or none; problems listed by row."""
    user = request.user
    _console(user)
    project = fund_project_for(user, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要导入的文件")
        return redirect("training:fund", pk=project.pk)
    upload = form.cleaned_data["file"]
    with clear_copy(upload.read()) as path:
        report = import_fund_trainees(
            path, project=project, by=user, filename=upload.name, client_ip=client_ip(request)
        )
    if report.ok:
        messages.success(request, report.summary())
        return redirect("training:fund", pk=project.pk)
    problems = [report.summary(), *(str(p) for p in report.errors[:200])]
    return _fund_page(request, fund_project_for(user, pk), problems=problems, status=400)


@login_required
def fund_export(request, pk: int):
    user = request.user
    _console(user)
    project = fund_project_for(user, pk)
    book = fund_workbook(project, trainees_of(project), list(spendings_of(project)))
    return xlsx_response(
        book, download_name(f"{project.name}-学员与支出", project.org.code, "xlsx")
    )
