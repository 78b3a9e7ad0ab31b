"""A refused upload is kept as a refused run with its problems and nothing else; the home
page's "导入未成功" is the 导入记录 list it links to, until the user imports that kind again
(issue 19)."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.audit.imports import KEPT_PROBLEMS, run_import
from gonghui.console.selectors import WAITING_DAYS, imports_visible_to
from gonghui.core.importing import ImportReport, RowProblem
from gonghui.core.models import ImportRun
from gonghui.stations.importers import COLUMNS, EXAMPLE
from gonghui.stations.models import Station

pytestmark = pytest.mark.django_db
CLEAR_ID = "41170219900307001X"  # a valid check digit: the leak net would catch it


def station_file(*lngs: str) -> io.BytesIO:
    """A station list with one row per longitude (a bad one is a problem of its row)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for i, lng in enumerate(lngs):
        row = list(EXAMPLE)
        row[0], row[1], row[3] = f"驿城区第{i + 1}驿站", "411702", lng
        writer.writerow(row)
    data = io.BytesIO(out.getvalue().encode("utf-8-sig"))
    data.name = "驿站.csv"
    return data


def upload(client, *lngs: str):
    return client.post(reverse("stations:import"), {"file": station_file(*lngs)})


def waiting_on_home(client) -> tuple[int, str]:
    page = client.get(reverse("home")).content.decode()
    start = page.index('data-todo="imports"')
    href = page[start:].split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    count = int(page[start:].split("<strong>", 1)[1].split("</strong>", 1)[0])
    return count, href


def test_a_refused_upload_is_kept_with_its_problems_and_nothing_else(client, yicheng_officer):
    client.force_login(yicheng_officer)
    response = upload(client, "114.02", "东经", "114.03")
    assert response.status_code == 400
    assert not Station.objects.exists()
    run = ImportRun.objects.get()
    assert run.refused and (run.kind, run.filename, run.user) == (
        "stations",
        "驿站.csv",
        yicheng_officer,
    )
    assert run.org_path == yicheng_officer.scope_path and run.rows == 3
    assert run.problem_count == 1 and run.problems.startswith("第3行【经度】")
    count, href = waiting_on_home(client)
    assert count == 1 and href == reverse("console:import_list") + "?state=waiting"
    page = client.get(href).content.decode()
    assert page.count("<tr data-import=") == 1 and "第3行【经度】" in page


def test_a_later_success_of_the_same_kind_or_a_week_clears_it(client, yicheng_officer):
    client.force_login(yicheng_officer)
    upload(client, "东经")
    upload(client, "东经")
    assert waiting_on_home(client)[0] == 2
    assert upload(client, "114.02").status_code == 302
    assert waiting_on_home(client)[0] == 0
    page = client.get(reverse("console:import_list")).content.decode()
    assert page.count("<tr data-import=") == 3 and "导入完成：新增1" in page
    upload(client, "东经")
    ImportRun.objects.filter(refused=True).update(
        started_at=timezone.now() - datetime.timedelta(days=WAITING_DAYS, minutes=1)
    )
    assert waiting_on_home(client)[0] == 0


def test_staff_above_see_the_subtree_and_a_sibling_sees_nothing(
    client, yicheng_officer, zhumadian_officer, luoyang_officer
):
    client.force_login(yicheng_officer)
    upload(client, "东经")
    run = ImportRun.objects.get()
    assert list(imports_visible_to(zhumadian_officer)) == [run]
    assert not imports_visible_to(zhumadian_officer, waiting=True).exists()  # not theirs to fix
    client.force_login(luoyang_officer)
    assert waiting_on_home(client)[0] == 0
    page = client.get(reverse("console:import_list")).content.decode()
    assert "<tr data-import=" not in page and "驿站.csv" not in page


def test_a_refused_run_keeps_the_first_problems_redacted(province_admin):
    report = ImportReport(filename="名册.csv")
    problems = [RowProblem(n, "身份证号", f"{CLEAR_ID}不在名册") for n in range(2, 40)]

    def check():
        report.rows = len(problems)
        report.errors.extend(problems)
        return None

    run_import(report, by=province_admin, kind="workers", client_ip=None, check=check, write=list)
    run = ImportRun.objects.get()
    assert run.problem_count == len(problems)
    kept = run.problems.splitlines()
    assert len(kept) == KEPT_PROBLEMS and kept[0] == "第2行【身份证号】4117**************不在名册"
    assert CLEAR_ID not in run.problems
