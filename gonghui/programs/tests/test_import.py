import datetime
import random

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from gonghui.accounts.models import Role
from gonghui.audit.models import AuditEvent
from gonghui.core.audited import service_writes
from gonghui.core.idnumber import check_digit
from gonghui.core.tabular import write_csv as write_table
from gonghui.members.categories import BY_NAME
from gonghui.members.generate import make_id
from gonghui.programs.budget import spent_fen
from gonghui.programs.importers import COLUMNS, import_services
from gonghui.programs.models import Channel, Frequency, Program, ServiceRecord
from gonghui.programs.selectors import program_figures
from gonghui.programs.services import record_service, void_record

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
# Two different days of one year, both inside the fixtures' program period.
EARLIER = max(TODAY - datetime.timedelta(days=2), TODAY.replace(month=1, day=1))


def id_of(seed: int, region: str = "411702") -> str:
    return make_id(random.Random(seed), region)


@pytest.fixture
def checkup(program, point):
    """A province-wide yearly health check at ¥200, with hospitals in 驿城区 and 洛龙区."""
    run = program(
        "新就业形态劳动者免费体检", kind="one_off", frequency=Frequency.YEARLY, unit_cost_fen=20000
    )
    point("驿城区人民医院", org="411702", programs=[run])
    point("洛龙区人民医院", org="410311", programs=[run])
    return run


@pytest.fixture
def workers(make_worker):
    """Three 驿城区 workers (seeds 1–3) and one 洛龙区 worker (seed 4), by seed."""
    made = {
        seed: make_worker(name, id_number=id_of(seed))
        for seed, name in [(1, "张东青"), (2, "李秀英"), (3, "王伟")]
    }
    made[4] = make_worker("赵建华", org="410311", id_number=id_of(4, "410311"))
    return made


def row(seed: int, region: str = "411702", **changes) -> list:
    names = {1: "张东青", 2: "李秀英", 3: "王伟", 4: "赵建华"}
    values = dict(
        zip(
            COLUMNS,
            [id_of(seed, region), names.get(seed, "某某"), EARLIER.isoformat(), "", "", ""],
            strict=True,
        )
    )
    assert set(changes) <= set(values), changes
    values.update(changes)
    return [values[c] for c in COLUMNS]


def write_csv(path, rows, *, encoding="utf-8-sig", header=COLUMNS):
    return write_table(path, header, rows, encoding=encoding)


def problems(report) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in report.errors]


def test_clean_xlsx_imports_through_the_one_door_and_again_changes_nothing(
    tmp_path, province_admin, checkup, workers
):
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["请按模板填写，身份证号列设为文本"])
    sheet = book.create_sheet("服务名单")
    sheet.append(list(COLUMNS))
    # 張東青: the registry's 张东青 in traditional characters.
    sheet.append([id_of(1), "張東青", EARLIER, "驿城区人民医院", None, None])
    sheet.append(
        [id_of(2), "李秀英", datetime.datetime.combine(EARLIER, datetime.time()), "", 1, 150.5]
    )
    sheet.append(
        [id_of(4, "410311"), "赵建华", EARLIER.strftime("%Y年%m月%d日"), "洛龙区人民医院", 2, ""]
    )
    path = tmp_path / "体检名单.xlsx"
    book.save(path)

    report = import_services(path, program=checkup.pk, by=province_admin)

    assert report.ok, [str(p) for p in report.errors]
    assert (report.rows, report.created, report.unchanged) == (3, 3, 0)
    assert report.amount_fen == 20000 + 15050 + 40000
    records = {r.worker_id: r for r in ServiceRecord.objects.select_related("org", "point")}
    assert {r.channel for r in records.values()} == {Channel.IMPORT}
    assert records[workers[1].pk].point.name == "驿城区人民医院"
    assert records[workers[2].pk].point is None and records[workers[2].pk].org.code == "411702"
    assert records[workers[4].pk].quantity == 2 and records[workers[4].pk].org.code == "410311"
    assert {r.served_on for r in records.values()} == {EARLIER}
    assert spent_fen(checkup) == report.amount_fen
    figures = program_figures(province_admin, checkup)
    assert (figures.persons, figures.person_times, figures.amount_fen) == (3, 3, 75050)
    assert AuditEvent.objects.filter(action="serve").count() == 3
    assert AuditEvent.objects.filter(action="import").count() == 1

    again = import_services(path, program=checkup, by=province_admin)
    assert again.ok and (again.created, again.unchanged) == (0, 3)
    assert ServiceRecord.objects.count() == 3
    assert spent_fen(checkup) == 75050
    assert AuditEvent.objects.filter(action="serve").count() == 3


def test_gbk_csv_from_excel_imports_and_reimport_changes_nothing(
    tmp_path, province_admin, checkup, workers
):
    path = write_csv(
        tmp_path / "体检名单.csv",
        [row(1, 服务点="驿城区人民医院"), row(2, **{"金额(元)": "180"}), row(3, 数量="1")],
        encoding="gbk",
    )
    first = import_services(path, program=checkup.pk, by=province_admin)
    assert first.ok and first.created == 3
    assert sorted(ServiceRecord.objects.values_list("amount_fen", flat=True)) == [
        18000,
        20000,
        20000,
    ]
    again = import_services(path, program=str(checkup.pk), by=province_admin)
    assert (again.created, again.unchanged) == (0, 3)
    assert ServiceRecord.objects.count() == 3


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


BAD_ROWS = [
    ({"身份证号": wrong_check_digit(id_of(2))}, "身份证号", "校验位"),
    ({"身份证号": "41170219850612"}, "身份证号", "18位"),
    ({"身份证号": ""}, "身份证号", "不能为空"),
    ({"身份证号": id_of(99)}, "身份证号", "未在“河南省总工会”范围内的职工名册中登记"),
    ({"姓名": "李四"}, "姓名", "不一致"),
    ({"姓名": ""}, "姓名", "不能为空"),
    ({"服务日期": "2026-02-30"}, "服务日期", "不是有效日期"),
    ({"服务日期": ""}, "服务日期", "不能为空"),
    ({"服务日期": (TODAY - datetime.timedelta(days=60)).isoformat()}, "服务日期", "不在服务期内"),
    ({"服务日期": (TODAY + datetime.timedelta(days=1)).isoformat()}, "服务日期", "晚于今天"),
    ({"服务点": "郑州大学第一附属医院"}, "服务点", "不是“新就业形态劳动者免费体检”的服务点"),
    ({"数量": "0"}, "数量", "整数"),
    ({"数量": "1.5"}, "数量", "整数"),
    ({"金额(元)": "12.345"}, "金额(元)", "两位小数"),
    ({"金额(元)": "两百"}, "金额(元)", "不是有效金额"),
    ({"金额(元)": "Infinity"}, "金额(元)", "不是有效金额"),
    ({"金额(元)": "-5"}, "金额(元)", "负数"),
]


@pytest.mark.parametrize(("changes", "column", "reason"), BAD_ROWS)
def test_each_bad_input_is_reported_by_row_and_column_and_nothing_imports(
    tmp_path, province_admin, checkup, workers, changes, column, reason
):
    rows = [row(1), row(2, **changes), row(3)]
    report = import_services(
        write_csv(tmp_path / "r.csv", rows), program=checkup, by=province_admin
    )
    assert not report.ok
    assert problems(report) == [(3, column)]
    assert reason in report.errors[0].message
    assert ServiceRecord.objects.count() == 0
    assert spent_fen(checkup) == 0


def test_worker_not_eligible_is_refused_with_the_programs_own_reason(
    tmp_path, province_admin, program, make_worker
):
    breakfast = program("环卫工人免费早餐", categories=BY_NAME["环卫工人"].bit, unit_cost_fen=500)
    make_worker("张东青", id_number=id_of(1))
    make_worker("李秀英", id_number=id_of(2), categories="快递员")
    report = import_services(
        write_csv(tmp_path / "r.csv", [row(1), row(2)]), program=breakfast, by=province_admin
    )
    assert problems(report) == [(3, "身份证号")]
    assert "仅限环卫工人" in report.errors[0].message


def test_worker_outside_the_programs_subtree_is_unregistered_for_it(
    tmp_path, province_admin, program, workers
):
    zhumadian = program("驻马店市免费体检", org="411700", frequency=Frequency.YEARLY)
    report = import_services(
        write_csv(tmp_path / "r.csv", [row(1), row(4, "410311")]),
        program=zhumadian,
        by=province_admin,
    )
    assert problems(report) == [(3, "身份证号")]
    assert (
        "“驻马店市总工会”范围内" in report.errors[0].message or "范围内" in report.errors[0].message
    )


def test_every_bad_row_is_reported_at_once_in_row_and_column_order(
    tmp_path, province_admin, checkup, workers
):
    rows = [
        row(1, 姓名="李四", **{"金额(元)": "abc"}),
        row(2),
        row(3, 服务日期="昨天"),
        ["", "", "", "", "", ""],
        row(4, "410311", 服务点="不存在的医院"),
    ]
    report = import_services(
        write_csv(tmp_path / "r.csv", rows), program=checkup, by=province_admin
    )
    assert problems(report) == [
        (2, "姓名"),
        (2, "金额(元)"),
        (4, "服务日期"),
        (5, "身份证号"),
        (6, "服务点"),
    ]
    assert "2行有错误" not in report.summary() and "4行有错误" in report.summary()
    assert ServiceRecord.objects.count() == 0


def test_duplicate_in_one_period_names_both_rows(tmp_path, province_admin, checkup, workers):
    rows = [row(1), row(2), row(1, 服务日期=TODAY.isoformat(), 服务点="驿城区人民医院")]
    report = import_services(
        write_csv(tmp_path / "r.csv", rows), program=checkup, by=province_admin
    )
    assert problems(report) == [(4, "身份证号")]
    assert "与第2行重复" in report.errors[0].message
    assert f"{EARLIER.year}年" in report.errors[0].message
    assert ServiceRecord.objects.count() == 0


def test_same_worker_on_two_days_of_a_daily_program_is_not_a_duplicate(
    tmp_path, province_admin, program, workers
):
    breakfast = program("环卫工人免费早餐", unit_cost_fen=500)
    days = [TODAY - datetime.timedelta(days=1), TODAY]
    rows = [row(1, 服务日期=day.isoformat()) for day in days]
    report = import_services(
        write_csv(tmp_path / "r.csv", rows), program=breakfast, by=province_admin
    )
    assert report.ok and report.created == 2


def test_a_record_from_another_source_in_the_period_is_already_served(
    tmp_path, province_admin, checkup, workers
):
    scanned = record_service(
        by=province_admin,
        program=checkup,
        worker=workers[2],
        point=checkup.points.get(name="驿城区人民医院"),
        channel=Channel.SCAN,
    ).record
    report = import_services(
        write_csv(tmp_path / "r.csv", [row(1), row(2)]), program=checkup, by=province_admin
    )
    assert problems(report) == [(3, "身份证号")]
    message = report.errors[0].message
    assert "已享受过本项目" in message and "驿城区人民医院" in message and "扫码" in message
    assert list(ServiceRecord.objects.values_list("pk", flat=True)) == [scanned.pk]


def test_a_corrected_line_is_refused_while_the_first_record_is_live_and_accepted_after_voiding(
    tmp_path, province_admin, checkup, workers
):
    import_services(write_csv(tmp_path / "a.csv", [row(1)]), program=checkup, by=province_admin)
    corrected = write_csv(tmp_path / "b.csv", [row(1, **{"金额(元)": "150"})])
    refused = import_services(corrected, program=checkup, by=province_admin)
    assert problems(refused) == [(2, "身份证号")] and "导入" in refused.errors[0].message
    void_record(by=province_admin, record=ServiceRecord.objects.get(), reason="金额有误")
    accepted = import_services(corrected, program=checkup, by=province_admin)
    assert accepted.ok and accepted.created == 1
    assert ServiceRecord.objects.get(voided=False).amount_fen == 15000
    assert spent_fen(checkup) == 15000


def test_reimport_after_a_void_does_not_bring_the_record_back_and_says_so(
    tmp_path, province_admin, checkup, workers
):
    path = write_csv(tmp_path / "a.csv", [row(1)])
    import_services(path, program=checkup, by=province_admin)
    void_record(by=province_admin, record=ServiceRecord.objects.get(), reason="误录")
    again = import_services(path, program=checkup, by=province_admin)
    assert again.ok and (again.created, again.unchanged) == (0, 1)
    assert "已作废" in again.warnings[0].message
    assert ServiceRecord.objects.filter(voided=False).count() == 0


def test_budget_running_out_mid_file_refuses_the_whole_file_at_that_row(
    tmp_path, province_admin, program, workers
):
    small = program("小额体检", frequency=Frequency.YEARLY, unit_cost_fen=20000, budget_fen=50000)
    rows = [row(1), row(2), row(3), row(4, "410311")]
    report = import_services(write_csv(tmp_path / "r.csv", rows), program=small, by=province_admin)
    assert problems(report) == [(4, "金额(元)")]  # the third record would need ¥200 of ¥100 left
    assert "预算已用完" in report.errors[0].message and "剩余100.00元" in report.errors[0].message
    assert ServiceRecord.objects.count() == 0
    assert spent_fen(small) == 0


def test_dry_run_finds_what_only_a_write_finds_and_writes_nothing(
    tmp_path, province_admin, checkup, workers
):
    path = write_csv(tmp_path / "r.csv", [row(1), row(2)])
    report = import_services(path, program=checkup, by=province_admin, dry_run=True)
    assert report.ok and report.created == 2 and "试导入" in report.summary()
    assert ServiceRecord.objects.count() == 0
    assert spent_fen(checkup) == 0
    assert not AuditEvent.objects.filter(action__in=["serve", "import"]).exists()


def test_ambiguous_point_name_is_reported(tmp_path, province_admin, checkup, point, workers):
    point("驿城区人民医院", org="410311", programs=[checkup])
    report = import_services(
        write_csv(tmp_path / "r.csv", [row(1, 服务点="驿城区人民医院")]),
        program=checkup,
        by=province_admin,
    )
    assert problems(report) == [(2, "服务点")] and "无法区分" in report.errors[0].message


def test_id_stored_by_excel_as_a_number_is_explained(tmp_path, province_admin, checkup, workers):
    book = Workbook()
    book.active.append(list(COLUMNS))
    number = "41170219850612" + "123"
    book.active.append([float(number + check_digit(number)), "张东青", EARLIER, "", "", ""])
    path = tmp_path / "a.xlsx"
    book.save(path)
    report = import_services(path, program=checkup, by=province_admin)
    assert problems(report) == [(2, "身份证号")] and "文本" in report.errors[0].message


def test_unknown_program_header_and_role_are_file_errors(
    tmp_path, province_admin, staff, checkup, workers
):
    good = write_csv(tmp_path / "r.csv", [row(1)])
    assert (
        "没有编号为“999999”" in import_services(good, program=999999, by=province_admin).file_error
    )
    wrong = write_csv(tmp_path / "w.csv", [row(1)], header=["身份证号", "姓名", "日期"])
    assert "第1行表头" in import_services(wrong, program=checkup, by=province_admin).file_error
    reviewer = staff("reviewer", "410000", Role.REVIEWER)
    assert "不能登记服务" in import_services(good, program=checkup, by=reviewer).file_error
    with service_writes():  # no service stops a programme yet
        Program.objects.filter(pk=checkup.pk).update(is_active=False)
    assert "已停用" in import_services(good, program=checkup, by=province_admin).file_error
    assert ServiceRecord.objects.count() == 0


def test_cli_imports_exits_non_zero_on_a_bad_row_and_checks_its_operands(
    tmp_path, province_admin, checkup, workers, capsys
):
    bad = write_csv(tmp_path / "bad.csv", [row(1), row(2, 姓名="")])
    with pytest.raises(CommandError, match="1行有错误"):
        call_command("import", "services", str(checkup.pk), str(bad))
    assert "第3行【姓名】姓名不能为空" in capsys.readouterr().err
    good = write_csv(tmp_path / "good.csv", [row(1), row(2)])
    with pytest.raises(CommandError, match="用法：gonghui import services PROGRAM FILE"):
        call_command("import", "services", str(good))
    with pytest.raises(CommandError, match="用法：gonghui import workers FILE"):
        call_command("import", "workers", str(checkup.pk), str(good))
    call_command("import", "services", str(checkup.pk), str(good), "--dry-run")
    assert ServiceRecord.objects.count() == 0
    call_command("import", "services", str(checkup.pk), str(good))
    assert "新增服务记录2条（金额400.00元）" in capsys.readouterr().out
    assert ServiceRecord.objects.count() == 2


def test_luoyang_officer_cannot_import_zhumadian_workers_services(
    tmp_path, luoyang_officer, checkup, program, workers, capsys
):
    rows = [
        row(4, "410311"),  # a 洛龙区 worker: in the officer's subtree
        row(1),  # a 驿城区 worker, no point: outside it
        row(2, 服务点="驿城区人民医院"),  # a point outside it
    ]
    path = write_csv(tmp_path / "r.csv", rows)
    with pytest.raises(CommandError):
        call_command("import", "services", str(checkup.pk), str(path), "--user", "luoyang")
    err = capsys.readouterr().err
    assert "第3行【身份证号】该职工不在您的管辖范围内" in err
    assert "第4行【服务点】服务点“驿城区人民医院”不在您的管辖范围内" in err
    assert ServiceRecord.objects.count() == 0

    zhumadian = program("驻马店市免费体检", org="411700", frequency=Frequency.YEARLY)
    with pytest.raises(CommandError, match="没有编号为"):
        call_command("import", "services", str(zhumadian.pk), str(path), "--user", "luoyang")

    own = write_csv(tmp_path / "own.csv", [row(4, "410311", 服务点="洛龙区人民医院")])
    call_command("import", "services", str(checkup.pk), str(own), "--user", "luoyang")
    record = ServiceRecord.objects.get()
    assert (record.worker_id, record.recorded_by_id) == (workers[4].pk, luoyang_officer.pk)


def _upload(client, program, path):
    with open(path, "rb") as handle:
        return client.post(f"/programs/{program.pk}/import/", {"file": handle})


def test_service_list_uploaded_on_the_programme_page_imports_once(
    client, tmp_path, zhumadian_officer, checkup, workers
):
    """Staff live in Excel: the page takes the hospital's list, and the same list again
    registers nobody twice."""
    client.force_login(zhumadian_officer)
    page = client.get(f"/programs/{checkup.pk}/")
    assert (
        "导入服务名单" in page.content.decode()
        and "身份证号，姓名，服务日期" in page.content.decode()
    )
    path = write_csv(
        tmp_path / "list.csv", [row(1), row(2, 服务点="驿城区人民医院")], encoding="gbk"
    )
    response = _upload(client, checkup, path)
    assert response.status_code == 302
    assert ServiceRecord.objects.filter(program=checkup, channel=Channel.IMPORT).count() == 2
    again = client.get(_upload(client, checkup, path).url)
    assert "新增服务记录0条（金额0.00元），此前已导入2条" in again.content.decode()
    assert ServiceRecord.objects.filter(program=checkup).count() == 2


def test_a_bad_row_in_an_uploaded_list_is_named_and_nothing_is_recorded(
    client, tmp_path, zhumadian_officer, checkup, workers
):
    client.force_login(zhumadian_officer)
    path = write_csv(tmp_path / "list.csv", [row(1), row(2, 服务日期="2026-02-30")])
    response = _upload(client, checkup, path)
    assert response.status_code == 400
    text = response.content.decode()
    assert "第3行【服务日期】" in text
    assert ServiceRecord.objects.count() == 0


def test_upload_is_404_to_a_sibling_city_and_absent_for_an_auditor(
    client, tmp_path, staff, luoyang_officer, program, workers
):
    zhumadian = program("驻马店市免费体检", org="411700", frequency=Frequency.YEARLY)
    path = write_csv(tmp_path / "list.csv", [row(1)])
    client.force_login(luoyang_officer)
    assert _upload(client, zhumadian, path).status_code == 404
    auditor = staff("shenji", "411700", role=Role.AUDITOR)
    client.force_login(auditor)
    assert "导入服务名单" not in client.get(f"/programs/{zhumadian.pk}/").content.decode()
    assert _upload(client, zhumadian, path).status_code == 404
    assert ServiceRecord.objects.count() == 0
