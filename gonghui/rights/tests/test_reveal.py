"""The case's own officer and reviewer see its workers by name and phone, each time audited;
an auditor, the federation above and a sibling keep the masked form (issue 19 §1)."""

import pytest

from gonghui.accounts.models import Role
from gonghui.audit.models import AuditEvent
from gonghui.orgs.models import Org
from gonghui.rights.services import transfer_case

pytestmark = pytest.mark.django_db
PHONE = "13800138000"  # every test worker's (conftest.make_worker)


def reveals(case) -> int:
    return AuditEvent.objects.filter(
        action="unmask", object_type="wage_case", object_id=str(case.pk)
    ).count()


def test_the_cases_officer_reveals_names_and_phones_and_it_is_audited(
    client, case_with_workers, yicheng_officer
):
    case, _ = case_with_workers
    client.force_login(yicheng_officer)
    masked = client.get(f"/rights/{case.pk}/").content.decode()
    assert "张*青" in masked and "张东青" not in masked and PHONE not in masked
    assert "138****8000" in masked and "显示姓名电话（留痕）" in masked
    assert reveals(case) == 0
    shown = client.post(f"/rights/{case.pk}/reveal/")
    text = shown.content.decode()
    assert shown.status_code == 200
    assert "张东青" in text and "李四" in text and f'href="tel:{PHONE}"' in text
    assert "no-store" in shown["Cache-Control"]
    event = AuditEvent.objects.get(action="unmask", object_id=str(case.pk))
    assert (event.actor, event.after["workers"]) == (yicheng_officer, 2)
    # the reveal is for that answer only: the next visit is masked again, the next reveal
    # is a second audit row
    assert "张东青" not in client.get(f"/rights/{case.pk}/").content.decode()
    client.post(f"/rights/{case.pk}/reveal/")
    assert reveals(case) == 2


def test_the_cases_reviewer_may_reveal_too(client, case_with_workers, staff):
    case, _ = case_with_workers
    client.force_login(staff("yicheng_reviewer", "411702", Role.REVIEWER))
    text = client.post(f"/rights/{case.pk}/reveal/").content.decode()
    assert "张东青" in text and PHONE in text and reveals(case) == 1


@pytest.mark.parametrize(
    ("username", "org", "role"),
    [
        ("yicheng_auditor", "411702", Role.AUDITOR),  # same org, read-only role
        ("zhumadian_officer", "411700", Role.OFFICER),  # the city above the handling county
        ("province_admin2", "410000", Role.PROVINCE_ADMIN),
    ],
)
def test_anyone_else_keeps_the_masked_form_and_is_refused(
    client, case_with_workers, staff, username, org, role
):
    case, _ = case_with_workers
    client.force_login(staff(username, org, role))
    page = client.get(f"/rights/{case.pk}/").content.decode()
    assert "张*青" in page and "张东青" not in page and "显示姓名电话（留痕）" not in page
    refused = client.post(f"/rights/{case.pk}/reveal/")
    text = refused.content.decode()
    assert refused.status_code == 403
    assert "仅本案承办单位的经办人、审核人" in text and "张*青" in text
    assert "张东青" not in text and PHONE not in text
    assert reveals(case) == 0


def test_the_sender_of_a_transferred_case_no_longer_reveals(
    client, case_with_workers, yicheng_officer, staff
):
    case, _ = case_with_workers
    transfer_case(
        by=yicheng_officer, case=case, to_org=Org.objects.get(code="411721"), reason="用工地"
    )
    client.force_login(yicheng_officer)
    assert client.post(f"/rights/{case.pk}/reveal/").status_code == 403
    client.force_login(staff("xiping", "411721"))
    assert "张东青" in client.post(f"/rights/{case.pk}/reveal/").content.decode()
    assert reveals(case) == 1


def test_every_rights_page_prints_money_in_yuan(client, case_with_workers, yicheng_officer):
    case, _ = case_with_workers
    client.force_login(yicheng_officer)
    page = client.get(f"/rights/{case.pk}/").content.decode()
    assert "12,000.00" in page and "20,000.00" in page
    assert "1200000" not in page and "2000000" not in page
