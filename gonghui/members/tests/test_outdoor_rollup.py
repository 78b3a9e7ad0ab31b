"""The outdoor-worker rollup moves with every write of the registry, in the same transaction,
and always equals a plain count over the worker table; a rebuild restores a tampered one."""

import random

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from gonghui.core.coords import Crs
from gonghui.core.indicators import Under
from gonghui.core.tabular import write_csv
from gonghui.members.categories import BY_NAME
from gonghui.members.generate import make_id
from gonghui.members.importers import COLUMNS, import_workers
from gonghui.members.models import OutdoorWorkerCount, Worker
from gonghui.members.rollups import ROLLUPS
from gonghui.members.selectors import outdoor_workers_by_workplace
from gonghui.members.services import prepare_worker_update, save_worker
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Employer
from gonghui.orgs.selectors import org_refs_visible_to
from gonghui.orgs.services import set_employer_location

pytestmark = pytest.mark.django_db

# Spelled out again rather than imported, so a wrong definition cannot pass its own test.
OUTDOOR = ("环卫工人", "户外劳动者", "快递员", "外卖骑手", "货车司机", "网约车司机")
BITS = sum(BY_NAME[name].bit for name in OUTDOOR)
ROLLUP = OutdoorWorkerCount._meta.db_table
SANITATION = ("驻马店市环卫服务有限公司", make_uscc(random.Random(7)))
COURIERS = ("驻马店市快递有限公司", make_uscc(random.Random(8)))


def counted_from_workers() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT org_id, org_path, COALESCE(employer_id, 0), COUNT(*) "
            f"FROM {Worker._meta.db_table} WHERE (categories & {BITS}) != 0 "
            "GROUP BY org_id, org_path, COALESCE(employer_id, 0)"
        )
        return set(cursor.fetchall())


def rollup_rows() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT org_id, org_path, employer_id, workers FROM {ROLLUP}")
        return set(cursor.fetchall())


def assert_agrees() -> None:
    """The rollup is the plain count, row for row (no empty rows), and the command agrees."""
    assert rollup_rows() == counted_from_workers()
    out = call_command("rollup", "check", "--app", "members")
    assert out is None  # a disagreement raises CommandError


def employer_id(employer: tuple[str, str]) -> int:
    return Employer.objects.get(uscc=employer[1]).pk


def row(seed: int, *, org: str = "411702", employer=("", ""), categories="环卫工人") -> list:
    number = make_id(random.Random(seed), "411702")
    return ["张东青", number, "13800138000", org, *employer, categories, "2020-01-01"]


ROSTER = [
    row(1, employer=SANITATION),
    row(2, employer=SANITATION, categories="外卖骑手、家政服务员"),
    row(3, employer=COURIERS, categories="快递员", org="411721"),
    row(4, categories="家政服务员"),  # not outdoor
    row(5, employer=COURIERS, categories="建筑工人"),  # not outdoor either
    row(6),  # outdoor, no employer
    row(7, org="410000", categories="网约车司机"),
]


@pytest.fixture
def edit(province_admin):
    """Change a worker through the same services the console form and the API call."""

    def change(worker: Worker, **changes) -> Worker:
        refs = org_refs_visible_to(province_admin)  # unions made since the fixture too
        prepared, errors = prepare_worker_update(
            worker=Worker.objects.get(pk=worker.pk), changes=changes, refs=refs
        )
        assert not errors, errors
        return save_worker(by=province_admin, prepared=prepared, refs=refs)

    return change


def test_creating_workers_counts_the_outdoor_ones_by_org_and_employer(make_worker):
    make_worker(categories="环卫工人", employer=SANITATION)
    make_worker(categories="外卖骑手、家政服务员", employer=SANITATION)
    make_worker(categories="快递员")
    make_worker(categories="家政服务员", employer=SANITATION)
    assert_agrees()
    yicheng = Worker.objects.filter(org__code="411702").first().org_id
    assert rollup_rows() == {
        (yicheng, "410000/411700/411702/", employer_id(SANITATION), 2),
        (yicheng, "410000/411700/411702/", 0, 1),
    }


def test_the_count_is_written_in_the_workers_transaction(make_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_worker(categories="环卫工人")
        assert rollup_rows() == counted_from_workers() != set()
        raise RuntimeError("the write fails after the worker is saved")
    assert rollup_rows() == set()


def test_a_csv_roster_is_counted_in_one_grouped_upsert(tmp_path, province_admin):
    path = write_csv(tmp_path / "名册.csv", COLUMNS, ROSTER)
    with CaptureQueriesContext(connection) as queries:
        report = import_workers(path, by=province_admin)
    assert report.ok and report.created == len(ROSTER)
    upserts = [q["sql"] for q in queries if ROLLUP in q["sql"]]
    assert len(upserts) == 1 and upserts[0].startswith(f"INSERT INTO {ROLLUP}")
    assert_agrees()
    assert sum(n for *_, n in rollup_rows()) == 5


def test_an_xlsx_roster_is_counted_and_importing_it_again_changes_nothing(tmp_path, province_admin):
    book = Workbook()
    book.active.append(list(COLUMNS))
    for cells in ROSTER:
        book.active.append(cells)
    path = tmp_path / "名册.xlsx"
    book.save(path)
    assert import_workers(path, by=province_admin).created == len(ROSTER)
    before = rollup_rows()
    assert import_workers(path, by=province_admin).unchanged == len(ROSTER)
    assert rollup_rows() == before
    assert_agrees()


def test_a_dry_run_counts_nothing(tmp_path, province_admin):
    path = write_csv(tmp_path / "名册.csv", COLUMNS, ROSTER)
    assert import_workers(path, by=province_admin, dry_run=True).ok
    assert rollup_rows() == set()


def test_categories_changed_to_and_from_outdoor_move_the_count(make_worker, edit):
    worker = make_worker(categories="家政服务员", employer=SANITATION)
    assert rollup_rows() == set()
    edit(worker, categories="家政服务员、外卖骑手")
    assert_agrees()
    assert {n for *_, n in rollup_rows()} == {1}
    edit(worker, categories="快递员")  # outdoor to outdoor: the same row
    assert_agrees()
    edit(worker, categories="建筑工人")
    assert rollup_rows() == set()  # the emptied row is gone, as a rebuild would leave it
    assert_agrees()


def test_a_change_of_employer_moves_the_worker_between_rows(make_worker, edit):
    worker = make_worker(categories="环卫工人", employer=SANITATION)
    make_worker(categories="环卫工人", employer=SANITATION)
    edit(worker, employer_name=COURIERS[0], uscc=COURIERS[1])
    assert_agrees()
    assert {(e, n) for _, _, e, n in rollup_rows()} == {
        (employer_id(SANITATION), 1),
        (employer_id(COURIERS), 1),
    }
    edit(worker, employer_name="", uscc="")
    assert_agrees()
    assert {(e, n) for _, _, e, n in rollup_rows()} == {(employer_id(SANITATION), 1), (0, 1)}


def test_a_transfer_moves_the_count_to_the_new_union(make_worker, edit, grassroots, tmp_path):
    worker = make_worker(categories="外卖骑手", employer=SANITATION)
    edit(worker, org_code="411721")
    assert_agrees()
    assert {path for _, path, _, _ in rollup_rows()} == {"410000/411700/411721/"}
    edit(worker, org_code=grassroots.code)
    assert_agrees()
    assert {path for _, path, _, _ in rollup_rows()} == {grassroots.path}


def test_a_roster_that_transfers_and_recategorises_keeps_the_rollup(tmp_path, province_admin):
    import_workers(write_csv(tmp_path / "a.csv", COLUMNS, ROSTER), by=province_admin)
    changed = [
        row(1, employer=SANITATION, org="411721"),  # transfer
        row(2, employer=SANITATION, categories="家政服务员"),  # no longer outdoor
        row(4, categories="环卫工人"),  # now outdoor
        row(5, employer=SANITATION, categories="快递员"),  # now outdoor, another employer
        row(6, employer=COURIERS),  # an employer at last
        row(8, categories="货车司机", org="411700"),  # new
    ]
    report = import_workers(write_csv(tmp_path / "b.csv", COLUMNS, changed), by=province_admin)
    assert (report.created, report.updated) == (1, 5)
    assert_agrees()


def test_rebuild_restores_a_tampered_rollup(tmp_path, province_admin):
    import_workers(write_csv(tmp_path / "a.csv", COLUMNS, ROSTER), by=province_admin)
    want = rollup_rows()
    first = OutdoorWorkerCount.objects.order_by("id").first()
    OutdoorWorkerCount.objects.filter(pk=first.pk).update(workers=F("workers") + 2)
    OutdoorWorkerCount.objects.order_by("id").last().delete()
    OutdoorWorkerCount.objects.create(
        org_id=first.org_id, org_path=first.org_path, employer_id=999_999, workers=1
    )
    assert len(ROLLUPS.differences()) == 3
    with pytest.raises(CommandError, match="户外劳动者汇总表"):
        call_command("rollup", "check", "--app", "members")
    call_command("rollup", "rebuild", "--app", "members")
    assert rollup_rows() == want
    assert_agrees()


def test_the_workplace_groups_equal_a_plain_count_over_the_workers(
    tmp_path, province_admin, grassroots
):
    roster = [*ROSTER, row(9, org=grassroots.code, employer=COURIERS, categories="快递员")]
    import_workers(write_csv(tmp_path / "a.csv", COLUMNS, roster), by=province_admin)
    set_employer_location(
        by=province_admin,
        employer=Employer.objects.get(uscc=SANITATION[1]),
        lat=32.98,
        lng=114.02,
        crs=Crs.WGS84,
        address="解放路1号",
    )
    sql = (
        "SELECT w.org_path, e.lat, e.lng, COUNT(*) FROM "
        f"{Worker._meta.db_table} w LEFT JOIN {Employer._meta.db_table} e "
        f"ON e.id = w.employer_id WHERE (w.categories & {BITS}) != 0 AND w.{{org}} "
        "GROUP BY w.org_path, e.lat, e.lng"
    )
    paths = ("410000/", "410000/411700/", "410000/411700/411702/", grassroots.path)
    for under in [Under(p, own=own) for p in paths for own in (False, True)]:
        condition, path = (
            ("org_path = %s", under.path) if under.own else ("org_path LIKE %s", under.path + "%")
        )
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("{org}", condition), [path])
            want = {(p, (lat, lng) if lat is not None else None, n) for p, lat, lng, n in cursor}
        assert set(outdoor_workers_by_workplace(under)) == want, under
    assert any(place for _, place, _ in outdoor_workers_by_workplace(Under("410000/")))


def test_one_index_is_both_the_upserts_key_and_the_subtree_reads():
    """On PostgreSQL the subtree read's plan names the key (sequential scans off, the table
    being small); SQLite's LIKE ignores case and uses no index there anyway."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, ROLLUP)
    on_path = {name: c["columns"] for name, c in constraints.items() if "org_path" in c["columns"]}
    assert on_path == {"outdoor_count_key": ["org_path", "employer_id"]}
    assert constraints["outdoor_count_key"]["unique"]
    if connection.vendor == "postgresql":
        subtree = OutdoorWorkerCount.objects.filter(org_path__startswith="410000/411700/")
        sql, params = subtree.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "outdoor_count_key" in plan
