import datetime
import random

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from gonghui.core.errors import DomainError
from gonghui.core.models import ImportRun
from gonghui.core.tabular import write_csv
from gonghui.culture.importers import (
    ATTENDEE_COLUMNS,
    COUNT_COLUMNS,
    VISIT_COLUMNS,
    import_bookhouse_visits,
    import_campaign_counts,
    import_event_attendees,
    month_cell,
)
from gonghui.culture.models import BookhouseMonth, EventAttendee, ReadingDaily
from gonghui.culture.rollups import ROLLUPS
from gonghui.culture.selectors import culture_figures
from gonghui.culture.services import add_bookhouse, create_campaign, plan_event, report_held
from gonghui.members.generate import make_id
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def rollup_agrees_after_every_scenario():
    yield
    assert ROLLUPS.differences() == []


def id_of(seed: int, region: str = "411702") -> str:
    return make_id(random.Random(seed), region)


def org(code: str) -> Org:
    return Org.objects.get(code=code)


@pytest.fixture
def people(make_worker):
    names = ["张东青", "李秀英", "王伟", "赵敏"]
    return [make_worker(n, id_number=id_of(i)) for i, n in enumerate(names, start=1)]


@pytest.fixture
def held(yicheng_officer):
    event = plan_event(
        by=yicheng_officer,
        org=org("411702"),
        kind="performance",
        title="送戏下乡",
        venue="某村广场",
        starts_at=timezone.now() - datetime.timedelta(days=2),
    )
    return report_held(by=yicheng_officer, event=event, audience=500, estimated=True)


def csv(tmp_path, columns, rows, name="表.csv", encoding="utf-8-sig"):
    return write_csv(tmp_path / name, columns, rows, encoding=encoding)


# --- event-attendees -------------------------------------------------------------------------


def test_sign_in_sheet_counts_each_worker_once_and_reimport_changes_nothing(
    tmp_path, held, yicheng_officer, people, province_admin
):
    rows = [[id_of(i), p.name] for i, p in enumerate(people, start=1)]
    path = csv(tmp_path, ATTENDEE_COLUMNS, rows, encoding="gbk")
    report = import_event_attendees(path, event=held.pk, by=yicheng_officer)
    assert report.ok, report.errors
    assert (report.rows, report.created, report.unchanged) == (4, 4, 0)
    again = import_event_attendees(path, event=held.pk, by=yicheng_officer)
    assert (again.created, again.unchanged) == (0, 4)
    assert EventAttendee.objects.filter(event=held).count() == 4
    assert ImportRun.objects.filter(kind="event-attendees").count() == 2
    here, _ = culture_figures(province_admin, org_code="411702")
    assert (here.audience, here.attendances, here.attendees) == (500, 4, 4)


def test_bad_sign_in_rows_are_named_and_nothing_is_signed_in(
    tmp_path, held, yicheng_officer, people, make_worker
):
    make_worker("洛阳人", org="410302", id_number=id_of(50, "410302"))
    rows = [
        [id_of(1), "张东青"],
        [id_of(2), "王五"],  # name differs from the registry
        ["41170219900101123", "赵敏"],  # 17 characters
        [id_of(1), "张东青"],  # same worker again
        [id_of(50, "410302"), "洛阳人"],  # registered, but outside 驿城区
    ]
    report = import_event_attendees(
        csv(tmp_path, ATTENDEE_COLUMNS, rows, name="签到.csv"), event=held, by=yicheng_officer
    )
    assert not report.ok
    assert [(p.row, p.column) for p in report.errors] == [
        (3, "姓名"),
        (4, "身份证号"),
        (5, "身份证号"),
        (6, "身份证号"),
    ]
    assert "与第2行是同一职工" in str(report.errors[2])
    assert report.summary().startswith("签到.csv：4行有错误，未导入任何数据")
    assert not EventAttendee.objects.exists()


def test_sign_in_needs_a_held_event_in_scope(
    tmp_path, yicheng_officer, luoyang_officer, held, people
):
    path = csv(tmp_path, ATTENDEE_COLUMNS, [[id_of(1), "张东青"]])
    planned = plan_event(
        by=yicheng_officer,
        org=org("411702"),
        kind="film",
        title="露天电影",
        venue="某厂",
        starts_at=timezone.now(),
    )
    report = import_event_attendees(path, event=planned.pk, by=yicheng_officer)
    assert "尚未登记为已举办" in report.file_error
    sibling = import_event_attendees(path, event=held.pk, by=luoyang_officer)
    assert "不在您的管辖范围内" in sibling.file_error
    assert not EventAttendee.objects.exists()


# --- bookhouse-visits ------------------------------------------------------------------------


@pytest.fixture
def bookhouses(yicheng_officer):
    return [
        add_bookhouse(
            by=yicheng_officer,
            org=org("411702"),
            name="环卫处职工书屋",
            host_kind="union",
            level="province",
            level_year=2023,
            holdings=3000,
        ),
        add_bookhouse(by=yicheng_officer, org=org("411702"), name="驿站书屋", host_kind="station"),
    ]


def test_visits_import_replaces_a_month_and_reimport_changes_nothing(
    tmp_path, bookhouses, yicheng_officer, province_admin
):
    year = TODAY.year - 1
    rows = [
        ["环卫处职工书屋", "411702", f"{year}-01", 320],
        ["环卫处职工书屋", "411702", f"{year}年2月", 280],
        ["驿站书屋", "411702", f"{year}/3", "1,050"],
    ]
    path = csv(tmp_path, VISIT_COLUMNS, rows)
    report = import_bookhouse_visits(path, by=yicheng_officer)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    again = import_bookhouse_visits(path, by=yicheng_officer)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    rows[0][3] = 400
    changed = import_bookhouse_visits(csv(tmp_path, VISIT_COLUMNS, rows), by=yicheng_officer)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    assert BookhouseMonth.objects.count() == 3
    whole, _ = culture_figures(province_admin, org_code="411702", year=year)
    february, _ = culture_figures(province_admin, org_code="411702", year=year, month=2)
    assert (whole.visits, february.visits) == (400 + 280 + 1050, 280)


def test_visits_import_reports_every_bad_cell_and_writes_nothing(
    tmp_path, bookhouses, yicheng_officer
):
    next_month = (TODAY.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    rows = [
        ["环卫处职工书屋", "411702", "2025-01", 10],
        ["不存在的书屋", "411702", "2025-01", 10],
        ["驿站书屋", "411702", "2025-13", -3],
        ["驿站书屋", "411702", f"{next_month:%Y-%m}", 5],
        ["环卫处职工书屋", "411702", "2025年1月", 12],
        ["驿站书屋", "", "2025-02", 1.5],
    ]
    report = import_bookhouse_visits(
        csv(tmp_path, VISIT_COLUMNS, rows, name="人次.csv"), by=yicheng_officer
    )
    assert [(p.row, p.column) for p in report.errors] == [
        (3, "书屋名称"),
        (4, "月份"),
        (4, "读者人次"),
        (5, "月份"),
        (6, "月份"),
        (7, "所属组织代码"),
        (7, "读者人次"),
    ]
    assert "与第2行是同一书屋的同一月份" in str(report.errors[4])
    assert str(report.errors[0]).startswith("第3行【书屋名称】")
    assert not BookhouseMonth.objects.exists()


def test_visits_import_of_a_sibling_bookhouse_is_refused(tmp_path, bookhouses, luoyang_officer):
    path = csv(tmp_path, VISIT_COLUMNS, [["环卫处职工书屋", "411702", "2025-01", 10]])
    report = import_bookhouse_visits(path, by=luoyang_officer)
    assert [(p.row, p.column) for p in report.errors] == [(2, "书屋名称")]
    assert not BookhouseMonth.objects.exists()


def test_cli_imports_visits_and_fails_on_a_bad_file(tmp_path, bookhouses, province_admin, capsys):
    book = Workbook()
    book.active.append(list(VISIT_COLUMNS))
    book.active.append(["驿站书屋", "411702", datetime.datetime(2025, 4, 18), 66])
    book.save(tmp_path / "visits.xlsx")
    call_command("import", "bookhouse-visits", str(tmp_path / "visits.xlsx"))
    assert "新增1" in capsys.readouterr().out
    assert BookhouseMonth.objects.get().month == datetime.date(2025, 4, 1)
    wrong = csv(tmp_path, ["书屋", "月份"], [["驿站书屋", "2025-04"]], name="wrong.csv")
    with pytest.raises(CommandError, match="第1行表头应为"):
        call_command("import", "bookhouse-visits", str(wrong))


# --- campaign-counts -------------------------------------------------------------------------


@pytest.fixture
def campaign(zhumadian_officer):
    return create_campaign(
        by=zhumadian_officer,
        org=org("411700"),
        name="悦读新思想",
        starts_on=TODAY - datetime.timedelta(days=10),
        ends_on=TODAY + datetime.timedelta(days=10),
        items=[("《劳动者之歌》", "https://example.org/song")],
    )


def test_counts_import_adds_to_tracked_counts_and_reimport_changes_nothing(
    tmp_path, client, campaign, zhumadian_officer, province_admin
):
    item = campaign.items.get()
    for phone in ("10.0.0.1", "10.0.0.2"):  # two readers through the tracking link today
        client.get(f"/culture/r/{item.pk}/411702/", REMOTE_ADDR=phone)
    day1, day2 = TODAY - datetime.timedelta(days=2), TODAY
    rows = [
        ["411702", day1.isoformat(), 1000, 50],
        ["411702", day2.isoformat(), 300, 20],
        ["411721", day1.isoformat(), 400, 0],
    ]
    path = csv(tmp_path, COUNT_COLUMNS, rows)
    report = import_campaign_counts(path, campaign=campaign.pk, by=zhumadian_officer)
    assert report.ok, report.errors
    assert report.created == 3
    again = import_campaign_counts(path, campaign=campaign.pk, by=zhumadian_officer)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    city, children = culture_figures(province_admin, org_code="411700")
    assert (city.reads, city.shares) == (1000 + 300 + 400 + 2, 70)
    assert {c.org_code: c.reads for c in children} == {"411702": 1302, "411721": 400}
    rows[1][2] = 350  # the platform corrected today's figure
    fixed = import_campaign_counts(
        csv(tmp_path, COUNT_COLUMNS, rows), campaign=campaign, by=zhumadian_officer
    )
    assert (fixed.updated, fixed.unchanged) == (1, 2)
    city, _ = culture_figures(province_admin, org_code="411700")
    assert city.reads == 1000 + 350 + 400 + 2
    tracked = ReadingDaily.objects.get(source="link")
    assert (tracked.reads, tracked.day) == (2, TODAY)


def test_counts_import_rows_outside_the_campaign_are_refused(tmp_path, campaign, zhumadian_officer):
    before = campaign.starts_on - datetime.timedelta(days=1)
    rows = [
        ["411702", TODAY.isoformat(), 10, 1],
        ["410302", TODAY.isoformat(), 10, 1],  # 洛阳: not ours
        ["411702", before.isoformat(), 10, 1],
        ["411702", "2025-02-30", "十", 1],
        ["411702", TODAY.isoformat(), 5, 0],
    ]
    report = import_campaign_counts(
        csv(tmp_path, COUNT_COLUMNS, rows), campaign=campaign, by=zhumadian_officer
    )
    assert [(p.row, p.column) for p in report.errors] == [
        (3, "组织代码"),
        (4, "日期"),
        (5, "日期"),
        (5, "阅读次数"),
        (6, "日期"),
    ]
    assert "不在活动期内" in report.errors[1].message
    assert not ReadingDaily.objects.exists()


def test_counts_import_into_a_sibling_campaign_is_refused(
    tmp_path, campaign, luoyang_officer, province_admin
):
    path = csv(tmp_path, COUNT_COLUMNS, [["411702", TODAY.isoformat(), 1, 1]])
    report = import_campaign_counts(path, campaign=campaign.pk, by=luoyang_officer)
    assert "不在您的管辖范围内" in report.file_error and not report.ok
    with pytest.raises(CommandError, match="不在您的管辖范围内"):
        call_command(
            "import",
            "campaign-counts",
            str(campaign.pk),
            str(path),
            "--user",
            luoyang_officer.username,
        )
    call_command("import", "campaign-counts", str(campaign.pk), str(path))
    assert ReadingDaily.objects.get(source="import").reads == 1


@pytest.mark.parametrize("text", ["0000-01", "9999-12", "1948-12"])
def test_a_month_outside_1949_to_2100_is_refused_not_a_crash(text):
    with pytest.raises(DomainError, match="不在1949年至2100年之间"):
        month_cell(text)
