"""批量导入驿站 in the console: the upload page over ``import_stations`` with its template,
row/column errors, all or nothing; a sibling city's stations are out of reach."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.accounts.models import Role
from gonghui.core.tabular import write_csv
from gonghui.stations.importers import COLUMNS
from gonghui.stations.models import Station
from gonghui.stations.tests.test_import import GOOD

pytestmark = pytest.mark.django_db

ROW = GOOD[0]


def _upload(tmp_path, rows, name="驿站.csv") -> dict:
    path = write_csv(tmp_path / name, COLUMNS, rows)
    return {"file": SimpleUploadedFile(name, path.read_bytes())}


def test_the_list_links_the_page_which_offers_the_template(client, zhumadian_officer):
    client.force_login(zhumadian_officer)
    url = reverse("stations:import")
    assert url in client.get(reverse("stations:list")).content.decode()
    page = client.get(url).content.decode()
    assert "，".join(COLUMNS) in page and "/console/fill-in.xlsx?kind=stations" in page


def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_imported(
    client, zhumadian_officer, tmp_path
):
    client.force_login(zhumadian_officer)
    second = [*ROW[:3], "114.02", "95", *ROW[5:]]
    second[0] = "驿城区第二驿站"
    answer = client.post(reverse("stations:import"), _upload(tmp_path, [ROW, second]))
    text = answer.content.decode()
    assert answer.status_code == 400 and "1行有错误，未导入任何数据" in text
    assert '<td class="num">3</td><td>纬度</td>' in text
    assert not Station.objects.exists()
    done = client.post(reverse("stations:import"), _upload(tmp_path, [ROW]), follow=True)
    assert done.redirect_chain[-1][0] == reverse("stations:list")
    assert "新增1" in done.content.decode() and "驿城区解放路爱心驿站" in done.content.decode()
    assert Station.objects.get().org.code == "411702"


def test_a_sibling_imports_nothing_into_another_city_and_a_reader_has_no_page(
    client, luoyang_officer, staff, tmp_path
):
    client.force_login(luoyang_officer)
    refused = client.post(reverse("stations:import"), _upload(tmp_path, [ROW]))
    assert refused.status_code == 400 and '<td class="num">2</td><td>所属组织代码</td>' in (
        refused.content.decode()
    )
    assert not Station.objects.exists()
    client.force_login(staff("auditor", "411700", Role.AUDITOR))
    assert reverse("stations:import") not in client.get(reverse("stations:list")).content.decode()
    assert client.get(reverse("stations:import")).status_code == 404
