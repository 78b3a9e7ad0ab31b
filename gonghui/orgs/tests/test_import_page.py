"""导入用人单位工作地点 in the console: the page the employer list links instead of the CLI
hint, its template, row/column errors, all or nothing; nothing of a sibling city moves."""

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.core.tabular import write_csv
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.importers import COLUMNS
from gonghui.orgs.models import Employer, Org
from gonghui.orgs.services import register_employer

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(province_admin):
    yicheng = Org.objects.get(code="411702")
    return register_employer(
        by=province_admin,
        name="驻马店市环卫服务有限公司",
        uscc=make_uscc(random.Random(3)),
        county=yicheng,
    )


def _upload(tmp_path, rows) -> dict:
    path = write_csv(tmp_path / "地点.csv", COLUMNS, rows)
    return {"file": SimpleUploadedFile("地点.csv", path.read_bytes())}


def test_the_list_links_the_page_instead_of_the_command(client, yicheng_officer):
    client.force_login(yicheng_officer)
    listing = client.get(reverse("orgs:employer_list")).content.decode()
    assert reverse("orgs:employer_locations_import") in listing
    assert "gonghui import" not in listing
    page = client.get(reverse("orgs:employer_locations_import")).content.decode()
    assert "，".join(COLUMNS) in page
    assert "/console/fill-in.xlsx?kind=employer-locations" in page


def test_locations_import_all_or_nothing_with_row_and_column(
    client, employer, yicheng_officer, tmp_path
):
    client.force_login(yicheng_officer)
    url = reverse("orgs:employer_locations_import")
    good = [employer.uscc, employer.name, "驿城区解放路2号", "114.03", "32.99", "WGS84"]
    mars = [employer.uscc, employer.name, "", "114", "33", "火星"]
    bad = client.post(url, _upload(tmp_path, [["123", "某公司", "", "114", "33", "WGS84"], mars]))
    text = bad.content.decode()
    assert bad.status_code == 400 and '<td class="num">2</td><td>统一社会信用代码</td>' in text
    assert '<td class="num">3</td><td>坐标系</td>' in text
    assert not Employer.objects.get(pk=employer.pk).has_location
    done = client.post(url, _upload(tmp_path, [good]), follow=True)
    assert done.redirect_chain[-1][0] == reverse("orgs:employer_list")
    assert "新增1" in done.content.decode()
    renamed = [*good[:1], "驻马店环卫公司", *good[2:4], "33.0", good[5]]
    warned = client.post(url, _upload(tmp_path, [renamed]), follow=True).content.decode()
    assert "更新1" in warned and "1处提示：第2行【单位名称】" in warned
    located = Employer.objects.get(pk=employer.pk)
    assert (located.input_lng, located.input_lat, located.address) == (
        114.03,
        33.0,
        "驿城区解放路2号",
    )


def test_a_sibling_moves_nothing_and_a_reader_has_no_page(
    client, employer, luoyang_officer, staff, tmp_path
):
    client.force_login(luoyang_officer)
    row = [employer.uscc, employer.name, "洛阳", "112.4", "34.6", "WGS84"]
    refused = client.post(reverse("orgs:employer_locations_import"), _upload(tmp_path, [row]))
    assert refused.status_code == 400
    assert '<td class="num">2</td><td>统一社会信用代码</td>' in refused.content.decode()
    assert not Employer.objects.get(pk=employer.pk).has_location
    client.force_login(staff("auditor", "411700", "auditor"))
    assert (
        reverse("orgs:employer_locations_import")
        not in client.get(reverse("orgs:employer_list")).content.decode()
    )
    assert client.get(reverse("orgs:employer_locations_import")).status_code == 404
