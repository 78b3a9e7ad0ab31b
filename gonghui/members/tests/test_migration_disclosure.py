"""The migration that cuts the clear columns down converts rows already registered,
without the field key: birth year from the date, the mask cut to the city and check digit."""

import pytest
from django.core.management import call_command
from django.db import connection

from gonghui.members.models import Worker
from gonghui.orgs.models import Org

OLD_ROW = {
    "name": "张东青",
    "name_simple": "张东青",
    "name_pinyin": "zhangdongqing",
    "name_initials": "zdq",
    "id_cipher": b"\x00" * 40,
    "id_index": "0" * 64,
    "id_masked": "4117**********113X",
    "id_last4": "113X",
    "birth_date": "1967-03-30",
    "sex": "M",
    "birth_region_code": "411702",
    "birth_region_name": "驿城区",
    "phone_masked": "",
    "categories": 1,
    "is_member": False,
    "created_at": "2026-01-01 00:00:00",
    "updated_at": "2026-01-01 00:00:00",
}


@pytest.mark.django_db(transaction=True)
def test_existing_rows_keep_only_the_birth_year_and_the_short_mask(file_database):
    org = Org.objects.get(code="411702")
    call_command("migrate", "members", "0002", verbosity=0)
    row = {**OLD_ROW, "org_id": org.pk, "org_path": org.path}
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO members_worker ({', '.join(row)}) VALUES ({', '.join(['%s'] * len(row))})",
            list(row.values()),
        )
    # Every app forward, not only members: going back to 0002 also unapplied each later
    # migration that depends on 0003 (the rollups' indexes), which the rest of the run needs.
    call_command("migrate", verbosity=0)
    worker = Worker.objects.get()
    assert (worker.id_masked, worker.birth_year, worker.sex) == ("4117*************X", 1967, "M")
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, "members_worker")
        }
    assert not columns & {"birth_date", "id_last4", "birth_region_code", "birth_region_name"}
