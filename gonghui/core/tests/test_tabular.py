import pytest
from openpyxl import Workbook

from gonghui.core.errors import DomainError
from gonghui.core.tabular import cell_text, read_table

HEADER = ("姓名", "身份证号")


def test_gbk_csv_with_crlf_and_trailing_blank_lines(tmp_path):
    path = tmp_path / "名册.csv"
    path.write_bytes("姓名,身份证号\r\n张东青,1\r\n,\r\n\r\n".encode("gbk"))
    table = read_table(path, HEADER)
    assert table.rows == [["张东青", "1"]]


def test_utf8_csv_with_bom(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("\ufeff姓名,身份证号\n張東青,2\n".encode())
    assert read_table(path, HEADER).rows == [["張東青", "2"]]


def test_xlsx_picks_the_sheet_with_the_template_header(tmp_path):
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["请按模板填写"])
    data = book.create_sheet("名册")
    data.append(list(HEADER))
    data.append(["张东青", "41170219850612123X"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    assert read_table(path, HEADER).rows == [["张东青", "41170219850612123X"]]


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "empty_file"), ("名字,号码\n张,1\n".encode(), "bad_header")],
)
def test_empty_file_and_wrong_header_name_the_file(tmp_path, content, code):
    path = tmp_path / "坏文件.csv"
    path.write_bytes(content)
    with pytest.raises(DomainError) as caught:
        read_table(path, HEADER)
    assert caught.value.code == code
    assert "坏文件.csv" in caught.value.message


def test_unsupported_file_type_is_refused(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x")
    with pytest.raises(DomainError, match="只支持"):
        read_table(path, HEADER)


def test_cell_text_drops_excel_float_artefacts():
    assert cell_text(13800138000.0) == "13800138000"
    assert cell_text(None) == ""
    assert cell_text("  a ") == "a"
