"""Console pages for the worker registry; every read through the members selectors."""

import base64
import io
import re
import secrets
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from openpyxl import Workbook

from gonghui.core.crypto import decrypt, encrypt
from gonghui.core.errors import DomainError
from gonghui.core.files import private_dir, write_private
from gonghui.core.forms import show_error
from gonghui.core.importing import clear_copy
from gonghui.core.tabular import cell_text, iter_padded, read_table
from gonghui.core.views import client_ip, console_view, download, download_name, page, xlsx_response
from gonghui.core.workbook import append_row, template_workbook
from gonghui.members.exporters import export_workers
from gonghui.members.forms import IdSearchForm, ImportForm, WorkerFilterForm, WorkerForm
from gonghui.members.importers import COLUMNS, EXAMPLE, import_workers
from gonghui.members.selectors import (
    looks_like_id_number,
    transfers_of,
    worker_for,
    workers_visible_to,
)
from gonghui.members.services import (
    find_worker_by_id_number,
    prepare_worker,
    prepare_worker_update,
    record_bad_rows_download,
    reveal_id_number,
    save_worker,
)
from gonghui.orgs.picker import picked_org
from gonghui.orgs.selectors import org_refs_visible_to

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(user, permission: str, message: str) -> None:
    if not user.can(permission):
        raise PermissionDenied(message)


def _filters(request) -> tuple[WorkerFilterForm, dict | None]:
    """The list filters as selector keyword arguments; None when they name no valid scope."""
    form = WorkerFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    filters = {
        "q": form.cleaned_data["q"],
        "category": form.cleaned_data["category"],
        "member": form.member_value(),
    }
    if form.cleaned_data["org"].strip():
        org = picked_org(form, request.user, "org")
        if org is None:
            return form, None
        filters["org_path"] = org.path
    return form, filters


def _list_page(request, *, id_form: IdSearchForm):
    form, filters = _filters(request)
    workers = workers_visible_to(request.user, **(filters or {}))
    if filters is None:
        workers = workers.none()
    page_obj = Paginator(workers, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav": "workers",
        "form": form,
        "id_form": id_form,
        "page_obj": page_obj,
        "filters_ok": filters is not None,
        # Not searched: the number came in a URL. The box below posts it instead.
        "id_in_url": looks_like_id_number(request.GET.get("q", "")),
    }
    template = "members/_worker_results.html" if request.htmx else "members/worker_list.html"
    return page(request, template, context)


@console_view
@vary_on_headers("HX-Request")
def worker_list(request):
    return _list_page(request, id_form=IdSearchForm())


@never_cache
@console_view
@require_POST
def worker_find(request):
    """A whole ID number, posted (never in a URL): the worker's page, or 未找到 on the list."""
    id_form = IdSearchForm(request.POST)
    if id_form.is_valid():
        try:
            worker = find_worker_by_id_number(
                by=request.user,
                number=id_form.cleaned_data["id_number"],
                client_ip=client_ip(request),
            )
        except DomainError as exc:
            show_error(id_form, exc)
        else:
            if worker is not None:
                return redirect("members:worker_detail", worker.pk)
            id_form.add_error("id_number", "未找到")
    return _list_page(request, id_form=id_form)


@console_view
def worker_export(request):
    """The filtered list as .xlsx: the whole scope, not one page; IDs and phones masked."""
    form, filters = _filters(request)
    if filters is None:
        raise Http404
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.close()
    path = Path(handle.name)
    try:
        export_workers(request.user, path, **filters)
        stream = path.open("rb")
    finally:
        path.unlink(missing_ok=True)  # the open handle keeps the data until streamed (POSIX)
    return FileResponse(
        ClosedAtEnd(stream),
        as_attachment=True,
        filename=download_name("职工名册", request.user.org.code, "xlsx"),
        content_type=XLSX,
    )


class ClosedAtEnd:
    """A file that closes itself once read to the end: the response closes it too, but a
    reader that drains the stream and drops the response (a test client) leaves no open
    file behind."""

    def __init__(self, handle) -> None:
        self.handle = handle

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        if not data:
            self.handle.close()
        return data

    def close(self) -> None:
        self.handle.close()


@console_view
def worker_detail(request, pk: int):
    worker = worker_for(request.user, pk)
    context = {
        "nav": "workers",
        "worker": worker,
        "transfers": list(transfers_of(request.user, worker)),
    }
    return page(request, "members/worker_detail.html", context)


@never_cache
@console_view
@require_POST
def worker_reveal_id(request, pk: int):
    """The clear ID number as an htmx fragment; audited by the service."""
    worker = worker_for(request.user, pk)
    try:
        number = reveal_id_number(by=request.user, worker=worker, client_ip=client_ip(request))
    except DomainError as exc:
        return page(request, "members/_id_refused.html", {"message": exc.message}, status=403)
    return page(request, "members/_id_clear.html", {"number": number})


def _save(request, form: WorkerForm, *, id_number: str, phone: str):
    """Run the form's text through the one validation and save path; the worker or None."""
    data = form.cleaned_data
    code = _picked_code(request, form)
    refs = org_refs_visible_to(request.user)
    prepared, errors = prepare_worker(
        name=data["name"],
        id_number=id_number,
        phone=phone,
        org_code=code or "",
        employer_name=data["employer_name"],
        uscc=data["uscc"],
        categories="、".join(data["categories"]),
        joined_on=data["joined_on"],
        refs=refs,
    )
    return _save_prepared(request, form, None if code is None else prepared, errors, refs)


def _picked_code(request, form: WorkerForm) -> str | None:
    """The code of the union the form's picker names ("" when left blank); None when the
    text names none of the user's orgs (the refusal is on the field)."""
    if not form.cleaned_data["org_code"].strip():
        return ""
    org = picked_org(form, request.user)
    return None if org is None else org.code


def _save_prepared(request, form: WorkerForm, prepared, errors, refs):
    """Show every field's error next to its field, or save; the worker or None."""
    for error in errors:
        show_error(form, error)
    if prepared is None:
        return None
    try:
        return save_worker(
            by=request.user, prepared=prepared, refs=refs, client_ip=client_ip(request)
        )
    except DomainError as exc:
        show_error(form, exc)
        return None


@console_view
def worker_create(request):
    _require(request.user, "write_workers", "您的角色不能登记职工")
    if request.method == "POST":
        form = WorkerForm(request.POST)
        if form.is_valid():
            worker = _save(
                request,
                form,
                id_number=form.cleaned_data["id_number"],
                phone=form.cleaned_data["phone"],
            )
            if worker is not None:
                return redirect("members:worker_detail", pk=worker.pk)
    else:
        form = WorkerForm(
            initial={"org_code": request.user.org.code if request.user.org_id else ""}
        )
    return page(
        request, "members/worker_form.html", {"nav": "workers", "form": form, "worker": None}
    )


@console_view
def worker_edit(request, pk: int):
    _require(request.user, "write_workers", "您的角色不能修改职工信息")
    worker = worker_for(request.user, pk)
    kwargs = {"editing": True, "phone_masked": worker.phone_masked}
    if request.method == "POST":
        form = WorkerForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            changes = {
                "name": data["name"],
                "org_code": _picked_code(request, form) or "",
                "employer_name": data["employer_name"],
                "uscc": data["uscc"],
                "categories": "、".join(data["categories"]),
                "joined_on": data["joined_on"],
            }
            if data["phone"].strip():  # blank keeps the registered phone, which is never shown
                changes["phone"] = data["phone"]
            refs = org_refs_visible_to(request.user)
            prepared, errors = prepare_worker_update(worker=worker, changes=changes, refs=refs)
            if form.errors:
                prepared = None
            saved = _save_prepared(request, form, prepared, errors, refs)
            if saved is not None:
                return redirect("members:worker_detail", pk=saved.pk)
    else:
        form = WorkerForm(
            initial={
                "name": worker.name,
                "org_code": worker.org.code,
                "employer_name": worker.employer.name if worker.employer else "",
                "uscc": worker.employer.uscc if worker.employer else "",
                "categories": worker.category_names,
                "joined_on": worker.joined_on.isoformat() if worker.joined_on else "",
            },
            **kwargs,
        )
    return page(
        request, "members/worker_form.html", {"nav": "workers", "form": form, "worker": worker}
    )


# --- roster import -------------------------------------------------------------------------
#
# An uploaded roster holds clear ID numbers. It is kept in memory while parsed, and between
# requests (dry run → import, bad-rows download) only encrypted under UPLOAD_DIR, named by a
# random token that lives in the uploader's session.

UPLOAD_PURPOSE = "import-upload"
SESSION_KEY = "worker_import_upload"
UPLOAD_MAX_AGE = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class InMemoryUploadHandler(MemoryFileUploadHandler):
    """Holds the whole upload in memory (up to DATA_UPLOAD_MAX_MEMORY_SIZE), never a temp file."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.activated = (
            content_length is not None and content_length <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )


def _upload_dir() -> Path:
    return private_dir(settings.UPLOAD_DIR)


def _sweep_uploads(directory: Path) -> None:
    cutoff = time.time() - UPLOAD_MAX_AGE
    for entry in directory.iterdir():
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                entry.unlink()
        except FileNotFoundError:
            pass  # another request swept it first


def _store_upload(request, data: bytes, filename: str) -> None:
    directory = _upload_dir()
    _sweep_uploads(directory)
    _forget_upload(request)
    token = secrets.token_urlsafe(24)
    blob = encrypt(base64.b64encode(data).decode("ascii"), purpose=UPLOAD_PURPOSE)
    write_private(directory / token, blob)
    request.session[SESSION_KEY] = {"token": token, "filename": filename, "user": request.user.pk}


def _stored_upload(request) -> tuple[bytes, str] | None:
    info = request.session.get(SESSION_KEY)
    if not info or info.get("user") != request.user.pk or not _TOKEN.match(info.get("token", "")):
        return None
    try:
        blob = (_upload_dir() / info["token"]).read_bytes()
    except FileNotFoundError:
        return None
    return base64.b64decode(decrypt(blob, purpose=UPLOAD_PURPOSE)), info["filename"]


def _forget_upload(request) -> None:
    info = request.session.pop(SESSION_KEY, None)
    if info and _TOKEN.match(info.get("token", "")):
        (_upload_dir() / info["token"]).unlink(missing_ok=True)


def _import(request, data: bytes, filename: str, *, dry_run: bool):
    with clear_copy(data) as path:
        return import_workers(
            path, by=request.user, filename=filename, dry_run=dry_run, client_ip=client_ip(request)
        )


@csrf_exempt  # the upload handler must be set before anything reads POST; CSRF checked below
@console_view
def worker_import(request):
    _require(request.user, "import", "您的角色不能导入名册")
    request.upload_handlers = [InMemoryUploadHandler(request)]
    return _worker_import(request)


@csrf_protect
def _worker_import(request):
    report, form = None, ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            dry_run = form.cleaned_data["dry_run"]
            stored = None
            if upload is not None:
                stored = (upload.read(), Path(upload.name).name)
                _store_upload(request, *stored)
            elif request.POST.get("use_stored"):
                stored = _stored_upload(request)
                if stored is None:
                    form.add_error(None, "上次上传的文件已过期，请重新选择文件")
            else:
                form.add_error("file", "请选择要导入的文件（上限50MB）")
            if stored is not None:
                report = _import(request, *stored, dry_run=dry_run)
                if report.ok and not dry_run:
                    _forget_upload(request)  # imported: nothing left to download or confirm
    context = {
        "nav": "import",
        "form": form,
        "report": report,
        "shown_errors": report.errors[:500] if report else [],
        "shown_warnings": report.warnings[:500] if report else [],
        "columns": COLUMNS,
    }
    return page(request, "members/worker_import.html", context)


@console_view
def worker_import_badrows(request):
    """The last upload's bad rows, as uploaded, plus a 错误原因 column, to fix and re-import."""
    _require(request.user, "import", "您的角色不能导入名册")
    stored = _stored_upload(request)
    if stored is None:
        raise Http404
    data, filename = stored
    with clear_copy(data) as path:
        report = import_workers(path, by=request.user, filename=filename, dry_run=True)
        table = read_table(path, COLUMNS, filename=filename) if report.errors else None
    if table is None:
        raise Http404
    reasons: dict[int, list[str]] = defaultdict(list)
    for problem in report.errors:
        reasons[problem.row].append(
            f"【{problem.column}】{problem.message}" if problem.column else problem.message
        )
    book = Workbook()
    sheet = book.active
    sheet.title = "出错的行"
    append_row(sheet, [*COLUMNS, "错误原因"])
    id_column = COLUMNS.index("身份证号") + 1
    for number, cells in iter_padded(table, len(COLUMNS)):
        if number in reasons:
            append_row(
                sheet,
                [cell_text(c) for c in cells[: len(COLUMNS)]] + ["；".join(reasons[number])],
            )
            sheet.cell(row=sheet.max_row, column=id_column).number_format = "@"
    record_bad_rows_download(
        by=request.user, filename=filename, rows=len(reasons), client_ip=client_ip(request)
    )
    buffer = io.BytesIO()  # clear ID numbers: built in memory, never on disk
    book.save(buffer)
    name = download_name(f"{Path(filename).stem}-出错的行", request.user.org.code, "xlsx")
    response = download(buffer.getvalue(), XLSX, name)
    response["Cache-Control"] = "no-store"
    return response


@console_view
def worker_template(request):
    """The roster to fill in, with an example row on its own sheet."""
    book = template_workbook("职工名册", COLUMNS, EXAMPLE)
    return xlsx_response(book, "职工名册模板.xlsx")
