"""Case work in a browser as the county officer who handles the case: a refused form lists
its problems at the top, each linking to its field; the case's workers are masked until
the officer reveals them (an audited act), then shown by name and phone."""

import os

import pytest

from conftest import log_in
from gonghui.audit.models import AuditEvent

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "13800138000"  # every test worker's (conftest.make_worker)


def test_the_officer_sees_a_form_summary_then_reveals_the_cases_workers(
    live_server, case_with_workers, console_page
):
    case, _ = case_with_workers
    page = console_page
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, "yicheng")
    page.wait_for_selector("#todos")
    page.step("home")

    page.goto(f"{live_server.url}/rights/new/")
    page.click("form.card button[type=submit]")
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert summary.locator("a[href='#id_employer_name']").count() == 1
    assert summary.locator("a[href='#id_employer_uscc']").count() == 1
    assert summary.inner_text().startswith("有2处需要修改")
    page.step("form-summary")

    page.goto(f"{live_server.url}/rights/{case.pk}/")
    assert "张*青" in page.content() and "张东青" not in page.content()
    page.step("case-masked")
    page.click("#reveal button")
    page.wait_for_selector("#revealed")
    assert "张东青" in page.content() and f'href="tel:{PHONE}"' in page.content()
    page.step("case-revealed")
    assert AuditEvent.objects.filter(action="unmask", object_id=str(case.pk)).count() == 1
