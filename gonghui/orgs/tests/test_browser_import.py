"""A county officer imports employers' workplace locations in a real browser (Debian's
chromium) from the employer list's link; a screenshot per step."""

import os
import random

import pytest

from conftest import log_in
from gonghui.core.tabular import write_xlsx
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.importers import COLUMNS
from gonghui.orgs.models import Org
from gonghui.orgs.services import register_employer

# Playwright's sync API runs an event loop in this thread; the fixtures' ORM calls block.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sheet(transactional_db, province_admin, yicheng_officer, tmp_path):
    """Built before the browser starts: an employer of 驿城区 and its location in a sheet."""
    employer = register_employer(
        by=province_admin,
        name="驻马店市环卫服务有限公司",
        uscc=make_uscc(random.Random(5)),
        county=Org.objects.get(code="411702"),
    )
    row = [employer.uscc, employer.name, "驿城区解放路2号", 114.03, 32.99, "WGS84"]
    return write_xlsx(tmp_path / "工作地点.xlsx", COLUMNS, [row])


def test_an_officer_imports_employer_locations(live_server, console_page, sheet):
    page = console_page
    page.goto(f"{live_server.url}/orgs/employers/")
    log_in(page, "yicheng")
    page.wait_for_url("**/orgs/employers/")
    assert "未填写" in page.locator("#employers tbody tr").first.inner_text()
    page.step("employer-list")
    page.click("#import")
    page.wait_for_url("**/orgs/employers/locations/import/")
    page.step("import-page")
    page.set_input_files("#id_file", str(sheet))
    page.click("main button[type=submit]")
    page.wait_for_url("**/orgs/employers/")
    assert "新增1" in page.locator(".messages").inner_text()
    row = page.locator("#employers tbody tr").first.inner_text()
    assert "驿城区解放路2号" in row and "114.03, 32.99" in row
    page.step("locations-imported")
