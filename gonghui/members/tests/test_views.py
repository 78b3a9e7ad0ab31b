"""The staff console's worker pages (and the union tree's worker counts), through the client."""

import io
import os
import random
import time
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gonghui.accounts.models import Role
from gonghui.audit.models import AuditEvent
from gonghui.core.idnumber import check_digit
from gonghui.members.generate import make_id
from gonghui.members.importers import COLUMNS, EXAMPLE
from gonghui.members.models import Transfer, Worker

pytestmark = pytest.mark.django_db

# Session, user, the nav's org, the paginator's count, the page of rows: none per row.
LIST_QUERIES = 5
# Session, user, org_for, breadcrumbs, children, one grouped worker count, the nav's org.
TREE_QUERIES = 7


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def people(make_worker):
    """One worker in 驿城区, one at 驻马店 city level (outside 驿城区), one in 洛阳."""
    return SimpleNamespace(
        yicheng=make_worker("张东青", org="411702"),
        city=make_worker("李市直", org="411700", categories="快递员"),
        luoyang=make_worker("王洛阳", org="410300"),
    )


def login(client, user):
    client.force_login(user)
    return client


def names_on(response) -> set[str]:
    return {w.name for w in response.context["page_obj"]}


def clear_id(worker) -> str:
    from gonghui.core.crypto import decrypt
    from gonghui.members.validation import ID_PURPOSE

    return decrypt(worker.id_cipher, purpose=ID_PURPOSE)


def exported_names(client, **params) -> list[str]:
    response = client.get(reverse("members:worker_export"), params)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("姓名", "身份证号")
    return [r[0] for r in rows[1:]]


# --- login and scope ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args",
    [
        ("members:worker_list", []),
        ("members:worker_export", []),
        ("members:worker_detail", [1]),
        ("members:worker_edit", [1]),
        ("members:worker_create", []),
        ("members:worker_import", []),
        ("members:worker_import_badrows", []),
        ("members:worker_template", []),
        ("tree:root", []),
        ("tree:org", ["411700"]),
        ("audit:event_list", []),
    ],
)
def test_every_console_page_sends_anonymous_users_to_login(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_cannot_unmask(client, people):
    response = client.post(reverse("members:worker_reveal_id", args=[people.yicheng.pk]))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="unmask").exists()


def test_luoyang_officer_gets_404_for_every_zhumadian_worker_page(client, people, luoyang_officer):
    login(client, luoyang_officer)
    for worker in (people.yicheng, people.city):
        for name in ("members:worker_detail", "members:worker_edit"):
            assert client.get(reverse(name, args=[worker.pk])).status_code == 404
        url = reverse("members:worker_reveal_id", args=[worker.pk])
        assert client.post(url).status_code == 404
        edit = client.post(
            reverse("members:worker_edit", args=[worker.pk]), {"name": "改名", "org_code": "410300"}
        )
        assert edit.status_code == 404
    assert Worker.objects.get(pk=people.yicheng.pk).name == "张东青"
    assert not AuditEvent.objects.filter(action="unmask").exists()


def test_luoyang_officer_sees_no_zhumadian_worker_in_list_search_or_export(
    client, people, luoyang_officer
):
    login(client, luoyang_officer)
    assert names_on(client.get(reverse("members:worker_list"))) == {"王洛阳"}
    for q in ("张东青", "zdq", "zhang", clear_id(people.yicheng)[-4:], "李市直"):
        response = client.get(reverse("members:worker_list"), {"q": q})
        assert names_on(response) == set(), q
        assert people.yicheng.id_masked not in response.content.decode()
    assert exported_names(client) == ["王洛阳"]
    assert exported_names(client, q="zdq") == []


def test_list_filter_on_an_org_outside_the_scope_shows_nothing(client, people, luoyang_officer):
    login(client, luoyang_officer)
    response = client.get(reverse("members:worker_list"), {"org": "411700"})
    assert response.status_code == 200
    assert names_on(response) == set()
    assert "“411700”不存在或不在您的管辖范围内" in response.content.decode()
    assert client.get(reverse("members:worker_export"), {"org": "411700"}).status_code == 404


def test_yicheng_officer_sees_yicheng_workers_but_not_city_level_ones(
    client, people, yicheng_officer
):
    login(client, yicheng_officer)
    assert names_on(client.get(reverse("members:worker_list"))) == {"张东青"}
    assert names_on(client.get(reverse("members:worker_list"), {"q": "李市直"})) == set()
    assert client.get(reverse("members:worker_detail", args=[people.yicheng.pk])).status_code == 200
    assert client.get(reverse("members:worker_detail", args=[people.city.pk])).status_code == 404
    assert exported_names(client) == ["张东青"]


def test_zhumadian_officer_sees_the_whole_city_and_can_narrow_to_a_county(
    client, people, zhumadian_officer
):
    login(client, zhumadian_officer)
    assert names_on(client.get(reverse("members:worker_list"))) == {"张东青", "李市直"}
    assert names_on(client.get(reverse("members:worker_list"), {"org": "411702"})) == {"张东青"}
    assert exported_names(client, org="411702") == ["张东青"]


# --- list: search, filters, pagination, queries ---------------------------------------------


def test_search_finds_a_name_by_either_script_pinyin_or_initials(client, people, province_admin):
    login(client, province_admin)
    for q in ("张东青", "張東青", "东青", "zhangdongqing", "zdq", "ZDQ"):
        assert "张东青" in names_on(client.get(reverse("members:worker_list"), {"q": q})), q


def test_an_id_number_is_searched_by_post_and_never_lands_in_a_url(client, people, province_admin):
    """The whole number goes in the POST body: neither the request line an access log keeps
    nor the redirect (browser history, Referer) carries it; the search is audited, masked."""
    login(client, province_admin)
    number = clear_id(people.yicheng)
    listed = client.get(reverse("members:worker_list"), {"q": number})
    assert names_on(listed) == set()  # a number in a URL is not searched
    assert "按身份证号查找" in listed.content.decode() and "身份证号不在网址中查询" in (
        listed.content.decode()
    )
    assert not AuditEvent.objects.filter(action="id_search").exists()

    found = client.post(reverse("members:worker_find"), {"id_number": number.lower()})
    detail = reverse("members:worker_detail", args=[people.yicheng.pk])
    assert found.status_code == 302 and found["Location"] == detail
    shown = client.get(found["Location"], headers={"referer": found["Location"]})
    assert "张东青" in shown.content.decode()
    for request in (found.wsgi_request, shown.wsgi_request):
        assert number not in request.get_full_path() and number.lower() not in (
            request.get_full_path()
        )
    event = AuditEvent.objects.get(action="id_search")
    assert (event.actor_id, event.object_id) == (province_admin.pk, str(people.yicheng.pk))
    assert event.after == {"身份证号": people.yicheng.id_masked, "found": True}
    assert number not in str(event.after)

    other = make_id(random.Random(99), "411702")
    missing = client.post(reverse("members:worker_find"), {"id_number": other})
    assert missing.status_code == 200 and "未找到" in missing.content.decode()
    assert AuditEvent.objects.filter(action="id_search", after__found=False).count() == 1
    assert client.get(reverse("members:worker_find")).status_code == 405


def test_category_filter_includes_new_employment_form_and_member_filter(
    client, people, province_admin, make_worker
):
    make_worker("赵非会员", org="411702", joined_on="")
    login(client, province_admin)
    url = reverse("members:worker_list")
    assert names_on(client.get(url, {"category": "快递员"})) == {"李市直"}
    assert names_on(client.get(url, {"category": "新就业形态劳动者"})) == {"李市直"}
    assert "李市直" not in names_on(client.get(url, {"category": "环卫工人"}))
    assert names_on(client.get(url, {"member": "no"})) == {"赵非会员"}
    assert "赵非会员" not in names_on(client.get(url, {"member": "yes"}))


def test_list_shows_masked_ids_and_the_total_and_never_a_clear_id(client, people, province_admin):
    login(client, province_admin)
    response = client.get(reverse("members:worker_list"))
    html = response.content.decode()
    assert response.context["page_obj"].paginator.count == 3
    assert people.yicheng.id_masked in html
    assert clear_id(people.yicheng) not in html
    assert "导出Excel" in html and "驿城区" in html


def test_list_pages_by_50(client, province_admin, make_worker):
    for _ in range(51):
        make_worker(org="411702")
    login(client, province_admin)
    first = client.get(reverse("members:worker_list"))
    assert len(first.context["page_obj"]) == 50 and "第 1 / 2 页" in first.content.decode()
    assert len(client.get(reverse("members:worker_list"), {"page": 2}).context["page_obj"]) == 1


@pytest.mark.parametrize("count", [3, 30])
def test_list_page_makes_a_fixed_number_of_queries(
    client, province_admin, make_worker, an_employer, count, django_assert_num_queries
):
    for i in range(count):
        make_worker(org="411702" if i % 2 else "411700", employer=an_employer)
    login(client, province_admin)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("members:worker_list"))
    assert len(response.context["page_obj"]) == count


def test_htmx_search_returns_just_the_results(client, people, province_admin):
    login(client, province_admin)
    response = client.get(
        reverse("members:worker_list"), {"q": "zdq"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "张东青" in html and "李市直" not in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_export_is_the_filtered_scope_masked_and_audited(client, people, province_admin):
    login(client, province_admin)
    response = client.get(reverse("members:worker_export"), {"category": "环卫工人"})
    assert response["Content-Disposition"].startswith("attachment")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))[1:]
    assert sorted(r[0] for r in rows) == ["张东青", "王洛阳"]
    ids = {r[1] for r in rows}
    assert people.yicheng.id_masked in ids and clear_id(people.yicheng) not in ids
    assert AuditEvent.objects.filter(action="export", actor=province_admin).exists()


# --- detail and unmask -------------------------------------------------------------------


def test_detail_shows_masked_id_and_phone_and_birth_region(client, people, yicheng_officer):
    login(client, yicheng_officer)
    html = client.get(reverse("members:worker_detail", args=[people.yicheng.pk])).content.decode()
    assert people.yicheng.id_masked in html and clear_id(people.yicheng) not in html
    assert "138****8000" in html and "13800138000" not in html
    assert "驿城区" in html
    assert "查看完整身份证号" in html


@pytest.mark.reveals
def test_unmask_shows_the_clear_id_and_writes_an_audit_row(client, people, yicheng_officer):
    login(client, yicheng_officer)
    response = client.post(
        reverse("members:worker_reveal_id", args=[people.yicheng.pk]),
        headers={"HX-Request": "true"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 200
    assert clear_id(people.yicheng) in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    event = AuditEvent.objects.get(action="unmask")
    assert (event.actor, event.object_id, event.client_ip) == (
        yicheng_officer,
        str(people.yicheng.pk),
        "10.1.2.3",
    )
    assert clear_id(people.yicheng) not in str(event.after)


def test_unmask_needs_post(client, people, yicheng_officer):
    login(client, yicheng_officer)
    assert (
        client.get(reverse("members:worker_reveal_id", args=[people.yicheng.pk])).status_code == 405
    )


def test_auditor_cannot_unmask(client, people, staff):
    auditor = staff("shenji", "411700", Role.AUDITOR)
    login(client, auditor)
    detail = client.get(reverse("members:worker_detail", args=[people.yicheng.pk])).content.decode()
    assert "查看完整身份证号" not in detail
    response = client.post(reverse("members:worker_reveal_id", args=[people.yicheng.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权查看完整身份证号" in html and clear_id(people.yicheng) not in html
    assert not AuditEvent.objects.filter(action="unmask").exists()


def test_detail_lists_the_transfer_history(client, people, province_admin):
    login(client, province_admin)
    response = client.post(
        reverse("members:worker_edit", args=[people.yicheng.pk]),
        {
            "name": "张东青",
            "org_code": "411721",
            "categories": ["环卫工人"],
            "joined_on": "2020-01-01",
        },
    )
    assert response.status_code == 302
    assert Transfer.objects.filter(worker=people.yicheng).count() == 1
    html = client.get(reverse("members:worker_detail", args=[people.yicheng.pk])).content.decode()
    assert "转会记录" in html and "驿城区总工会" in html and "西平县总工会" in html


# --- create and edit ---------------------------------------------------------------------


def form_data(**changes):
    data = {
        "name": "孙新人",
        "id_number": make_id(random.Random(99), "411702"),
        "phone": "13912345678",
        "org_code": "411702",
        "employer_name": "",
        "uscc": "",
        "categories": ["外卖骑手"],
        "joined_on": "2021-05-01",
    }
    data.update(changes)
    return data


def test_create_saves_an_audited_worker_and_shows_it(client, yicheng_officer):
    login(client, yicheng_officer)
    response = client.post(reverse("members:worker_create"), form_data(), REMOTE_ADDR="10.0.0.9")
    worker = Worker.objects.get(name="孙新人")
    assert response["Location"] == reverse("members:worker_detail", args=[worker.pk])
    assert (
        worker.org.code == "411702" and worker.is_member and worker.category_names == ["外卖骑手"]
    )
    event = AuditEvent.objects.get(action="create", object_type="worker")
    assert event.client_ip == "10.0.0.9"


def test_create_shows_each_error_next_to_its_field_and_saves_nothing(client, yicheng_officer):
    login(client, yicheng_officer)
    bad_id = "41170219850230123" + check_digit("41170219850230123")
    response = client.post(
        reverse("members:worker_create"),
        form_data(
            name="", id_number=bad_id, phone="123", org_code="410300", employer_name="某公司"
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "姓名不能为空" in errors["name"][0]
    assert "出生日期" in errors["id_number"][0]
    assert "11位" in errors["phone"][0]
    assert "不在您的管辖范围" in errors["org_code"][0]
    assert "统一社会信用代码" in errors["uscc"][0]
    html = response.content.decode()
    assert 'id="errors-org_code"' in html
    assert not Worker.objects.exists()


def test_create_refuses_an_id_registered_outside_the_scope(client, people, luoyang_officer):
    login(client, luoyang_officer)
    response = client.post(
        reverse("members:worker_create"),
        form_data(id_number=clear_id(people.yicheng), org_code="410300"),
    )
    assert "管辖范围以外" in response.context["form"].errors["id_number"][0]
    assert Worker.objects.get(pk=people.yicheng.pk).org.code == "411702"


def test_edit_keeps_the_id_and_a_blank_phone_and_is_audited(client, people, yicheng_officer):
    login(client, yicheng_officer)
    form = client.get(reverse("members:worker_edit", args=[people.yicheng.pk]))
    html = form.content.decode()
    assert clear_id(people.yicheng) not in html and "13800138000" not in html
    response = client.post(
        reverse("members:worker_edit", args=[people.yicheng.pk]),
        {
            "name": "张东晴",
            "phone": "",
            "org_code": "411702",
            "categories": ["环卫工人", "农民工"],
            "joined_on": "2020-01-01",
        },
    )
    assert response.status_code == 302
    worker = Worker.objects.get(pk=people.yicheng.pk)
    assert worker.name == "张东晴" and worker.phone_masked == "138****8000"
    assert worker.category_names == ["环卫工人", "农民工"]
    assert AuditEvent.objects.filter(action="update", object_id=str(worker.pk)).exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.REVIEWER])
def test_roles_without_write_workers_cannot_create_or_edit(client, people, staff, role):
    login(client, staff("readonly", "411702", role))
    assert client.get(reverse("members:worker_create")).status_code == 403
    assert client.post(reverse("members:worker_create"), form_data()).status_code == 403
    assert (
        client.post(
            reverse("members:worker_edit", args=[people.yicheng.pk]), form_data()
        ).status_code
        == 403
    )
    assert not Worker.objects.filter(name="孙新人").exists()


# --- import ------------------------------------------------------------------------------


def roster(rows, name="名册.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(list(COLUMNS))
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def row(seed: int, **changes) -> list[str]:
    values = dict(
        zip(
            COLUMNS,
            [
                f"职工{seed}",
                make_id(random.Random(seed), "411702"),
                "13800138000",
                "411702",
                "",
                "",
                "环卫工人",
                "2020-01-01",
            ],
            strict=True,
        )
    )
    values.update(changes)
    return [values[c] for c in COLUMNS]


def upload(client, rows, *, dry_run=False):
    data = {"file": roster(rows)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("members:worker_import"), data)


def test_import_of_a_bad_file_lists_row_and_column_errors_and_imports_nothing(
    client, yicheng_officer
):
    login(client, yicheng_officer)
    rows = [
        row(1),
        row(2, 手机号码="123"),
        row(3),
        row(4, 职工类别="程序员", 工会组织代码="410300"),
    ]
    response = upload(client, rows)
    html = response.content.decode()
    assert "2行有错误，未导入任何数据" in html
    problems = {(p.row, p.column) for p in response.context["report"].errors}
    assert problems == {(3, "手机号码"), (5, "工会组织代码"), (5, "职工类别")}
    assert "下载出错的行" in html
    assert not Worker.objects.exists()


@pytest.mark.reveals
def test_bad_rows_download_holds_only_the_bad_rows_with_reasons(client, yicheng_officer):
    login(client, yicheng_officer)
    upload(client, [row(1), row(2, 手机号码="123"), row(3), row(4, 职工类别="程序员")])
    response = client.get(reverse("members:worker_import_badrows"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (*COLUMNS, "错误原因")
    assert [r[0] for r in rows[1:]] == ["职工2", "职工4"]
    assert "手机号码" in rows[1][-1] and "职工类别" in rows[2][-1]
    assert rows[1][1] == make_id(random.Random(2), "411702")  # as uploaded, all 18 characters
    assert sheet.cell(row=2, column=2).number_format == "@"
    event = AuditEvent.objects.get(action="unmask", object_type="import_upload")
    assert (event.actor, event.after["rows"]) == (yicheng_officer, 2)


def test_good_file_imports_and_is_audited(client, yicheng_officer):
    login(client, yicheng_officer)
    response = upload(client, [row(1), row(2), row(3)])
    assert "导入完成，共3行，新增3" in response.content.decode()
    assert Worker.objects.count() == 3
    assert AuditEvent.objects.filter(action="import", actor=yicheng_officer).exists()
    # the upload is gone once imported: nothing left to download
    assert client.get(reverse("members:worker_import_badrows")).status_code == 404


def test_dry_run_writes_nothing_then_the_stored_upload_can_be_imported(client, yicheng_officer):
    login(client, yicheng_officer)
    response = upload(client, [row(1), row(2)], dry_run=True)
    assert "校验通过（试导入，未写入）" in response.content.decode()
    assert not Worker.objects.exists()
    confirmed = client.post(reverse("members:worker_import"), {"use_stored": "1"})
    assert "导入完成，共2行，新增2" in confirmed.content.decode()
    assert Worker.objects.count() == 2


def test_upload_is_kept_only_encrypted_and_old_uploads_are_swept(client, yicheng_officer, settings):
    login(client, yicheng_officer)
    settings.UPLOAD_DIR.mkdir(parents=True)
    stale = settings.UPLOAD_DIR / "stale-upload-from-two-days-ago"
    stale.write_bytes(b"x")
    os.utime(stale, (time.time() - 2 * 86400,) * 2)
    upload(client, [row(1), row(2, 手机号码="123")])
    files = list(settings.UPLOAD_DIR.iterdir())
    assert len(files) == 1 and files[0].name == client.session["worker_import_upload"]["token"]
    stored = files[0].read_bytes()
    for needle in (make_id(random.Random(1), "411702"), "职工1", "PK\x03\x04"):
        assert needle.encode() not in stored
    from gonghui.core.models import ImportRun

    assert not ImportRun.objects.filter(refused=False).exists()


def test_another_user_cannot_download_my_bad_rows(client, yicheng_officer, zhumadian_officer):
    login(client, yicheng_officer)
    upload(client, [row(1, 手机号码="123")])
    login(client, zhumadian_officer)  # a new login starts a new session
    assert client.get(reverse("members:worker_import_badrows")).status_code == 404


def test_auditor_cannot_import(client, staff):
    login(client, staff("shenji", "411700", Role.AUDITOR))
    assert client.get(reverse("members:worker_import")).status_code == 403
    assert (
        client.post(reverse("members:worker_import"), {"file": roster([row(1)])}).status_code == 403
    )
    assert not Worker.objects.exists()


def test_template_has_the_header_a_text_id_column_and_an_example_on_its_own_sheet(
    client, yicheng_officer
):
    login(client, yicheng_officer)
    response = client.get(reverse("members:worker_template"))
    book = load_workbook(io.BytesIO(response.content))
    sheet, example = book.worksheets
    assert tuple(c.value for c in sheet[1]) == COLUMNS
    assert not any(c.value for row in sheet.iter_rows(min_row=2) for c in row)
    assert sheet["B2"].number_format == "@"
    assert sheet.column_dimensions["B"].number_format == "@"
    assert example.title == "填写示例" and [c.value for c in example[2]] == list(EXAMPLE)


# --- union tree --------------------------------------------------------------------------


def child_counts(response) -> dict[str, int]:
    return {c.code: c.n_workers for c in response.context["children"]}


def test_tree_starts_at_the_users_org(client, yicheng_officer):
    login(client, yicheng_officer)
    response = client.get(reverse("tree:root"))
    assert response["Location"] == reverse("tree:org", args=["411702"])


def test_tree_counts_workers_in_each_child_subtree(
    client, grassroots, people, zhumadian_officer, make_worker
):
    make_worker("基层甲", org=grassroots.code)
    login(client, zhumadian_officer)
    response = client.get(reverse("tree:org", args=["411700"]))
    counts = child_counts(response)
    assert counts["411702"] == 2 and counts["411721"] == 0
    assert response.context["direct_workers"] == 1 and response.context["total_workers"] == 3
    drill = client.get(reverse("tree:org", args=["411702"]))
    assert child_counts(drill) == {grassroots.code: 1}
    assert [o.code for o in drill.context["breadcrumbs"]] == ["411700"]
    assert "驻马店市总工会" in drill.content.decode()


def test_tree_hides_other_subtrees_and_their_counts(
    client, people, luoyang_officer, yicheng_officer
):
    login(client, luoyang_officer)
    assert client.get(reverse("tree:org", args=["411700"])).status_code == 404
    assert client.get(reverse("tree:org", args=["411702"])).status_code == 404
    own = client.get(reverse("tree:org", args=["410300"]))
    assert own.context["total_workers"] == 1 and sum(child_counts(own).values()) == 0
    assert own.context["breadcrumbs"] == []  # the province is above the officer's scope
    login(client, yicheng_officer)
    assert client.get(reverse("tree:org", args=["411700"])).status_code == 404
    assert client.get(reverse("tree:org", args=["411702"])).context["total_workers"] == 1


@pytest.mark.parametrize("count", [3, 30])
def test_tree_page_makes_a_fixed_number_of_queries(
    client, province_admin, make_worker, count, django_assert_num_queries
):
    codes = ["411702", "411721", "410302", "411700"]
    for i in range(count):
        make_worker(org=codes[i % len(codes)])
    login(client, province_admin)
    with django_assert_num_queries(TREE_QUERIES):
        response = client.get(reverse("tree:org", args=["411700"]))
    assert response.context["total_workers"] == sum(1 for i in range(count) if i % 4 != 2)
