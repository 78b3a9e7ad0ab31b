import datetime

from django.db import connection
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.plain_select import from_row, select_list
from gonghui.members.models import Worker
from gonghui.orgs.models import Org


def _row(sql: str, params: list) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def test_a_row_of_two_models_builds_the_instances_the_orm_builds(yicheng_officer):
    User.objects.filter(pk=yicheng_officer.pk).update(
        last_login=timezone.make_aware(datetime.datetime(2026, 11, 30, 7, 15)), is_staff=True
    )
    row = _row(
        f"SELECT {select_list(User, 'u')}, {select_list(Org, 'o')} FROM accounts_user u "
        "JOIN orgs_org o ON o.id = u.org_id WHERE u.id = %s",
        [yicheng_officer.pk],
    )
    user, org_starts = from_row(User, row)
    org, end = from_row(Org, row, org_starts)
    expected = User.objects.get(pk=yicheng_officer.pk)
    assert end == len(row)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert user.last_login == expected.last_login and user.is_staff is True
    assert (org.pk, org.code, org.path) == (expected.org_id, "411702", expected.org.path)
    assert not user._state.adding


def test_a_left_join_that_found_nothing_is_none(yicheng_officer):
    row = _row(
        f"SELECT {select_list(User, 'u')}, {select_list(Org, 'o')} FROM accounts_user u "
        "LEFT JOIN orgs_org o ON o.id = -1 WHERE u.id = %s",
        [yicheng_officer.pk],
    )
    user, org_starts = from_row(User, row)
    assert user.pk == yicheng_officer.pk
    assert from_row(Org, row, org_starts) == (None, len(row))


def test_a_subset_named_in_any_order_reads_those_fields_and_defers_the_rest(make_worker):
    worker = make_worker("张东青")
    names = ("birth_year", "name", "id", "is_member")
    row = _row(f"SELECT {select_list(Worker, 'w', names)} FROM members_worker w", [])
    built, end = from_row(Worker, row, names=names)
    assert end == 4
    assert (built.pk, built.name, built.birth_year) == (worker.pk, "张东青", worker.birth_year)
    assert isinstance(built.birth_year, int) and isinstance(built.is_member, bool)
    assert built.get_deferred_fields() >= {"name_pinyin", "org_path"}
