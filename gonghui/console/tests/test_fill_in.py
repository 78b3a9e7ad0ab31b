"""Every import has a list to fill in: its header on the sheet the importer reads, an example
row on a sheet of its own, so the example is never imported."""

import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.console.fill_in import FILL_INS
from gonghui.mutualaid.importers import ROSTER_COLUMNS, ROSTER_EXAMPLE

pytestmark = pytest.mark.django_db


def test_every_example_fills_every_column():
    for kind, (_, columns, example) in FILL_INS.items():
        assert len(example) == len(columns), kind


def test_the_downloaded_list_has_its_header_and_the_example_apart(client, yicheng_officer):
    client.force_login(yicheng_officer)
    answer = client.get(reverse("console:fill_in"), {"kind": "aid-enrolments"})
    assert unquote(answer["Content-Disposition"]).endswith("互助保障参保名册模板.xlsx")
    sheet, example = load_workbook(io.BytesIO(answer.content)).worksheets
    assert tuple(c.value for c in sheet[1]) == ROSTER_COLUMNS
    assert not any(c.value for row in sheet.iter_rows(min_row=2) for c in row)
    assert sheet["B2"].number_format == "@"
    assert tuple(c.value for c in example[2]) == ROSTER_EXAMPLE
    assert client.get(reverse("console:fill_in"), {"kind": "nothing"}).status_code == 404
