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


# Files the worker importer used to answer with a traceback (issue 18), each now refused
# with the file's name, the row (and column) and why.
@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("姓名,身份证号\n张东青,1\n".encode("utf-16"), None),  # Excel's "Unicode text": read
        (
            b"\xef\xbb\xbf" + "姓名,身份证号\n".encode() + "张东青,1\n".encode("gbk"),
            "第2行有无法按UTF-8",
        ),
        ("姓名,身份证号\n".encode() + b"\xff\xfe\xff,1\n", "第2行有无法按GBK/GB18030"),
        ("姓名,身份证号\n张\x00东青,1\n".encode(), "第2行【姓名】含有不可见的控制字符（U+0000）"),
        ("姓名,身份证号\n张东青," + "9" * 1_000_000 + "\n", "第2行有单元格超过131072个字符"),
        ("姓名,身份证号\n张东青," + "9" * 5_000 + "\n", "第2行【身份证号】有5000个字符"),
        ("姓名,身份证号" + ",x" * 100_000 + "\n张东青,1\n", "表头有100002列"),
        (b"PK\x03\x04 a workbook saved as csv", "这是Excel工作簿，不是CSV"),
    ],
)
def test_a_hostile_csv_is_refused_by_row_and_reason(tmp_path, content, said):
    path = tmp_path / "名册.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    if said is None:
        assert read_table(path, HEADER).rows == [["张东青", "1"]]
        return
    with pytest.raises(DomainError) as refused:
        read_table(path, HEADER)
    assert refused.value.message.startswith("名册.csv：") and said in refused.value.message


def test_a_million_empty_rows_are_trimmed_and_too_many_data_rows_refused(tmp_path, settings):
    path = tmp_path / "名册.csv"
    path.write_bytes(("姓名,身份证号\n张东青,1\n" + ",\n" * 1_000_000).encode())
    assert read_table(path, HEADER).rows == [["张东青", "1"]]
    settings.IMPORT_MAX_ROWS = 2
    path.write_bytes(("姓名,身份证号\n" + "张东青,1\n" * 3).encode())
    with pytest.raises(DomainError, match="有3行数据，超过每个文件2行的上限"):
        read_table(path, HEADER)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 1024
    path = tmp_path / "名册.csv"
    path.write_bytes(("姓名,身份证号\n" + "张东青,1\n" * 200).encode())
    with pytest.raises(DomainError, match="超过导入上限0MB（GONGHUI_IMPORT_MAX_BYTES）"):
        read_table(path, HEADER)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "设置了打开密码，或是旧版Excel"),
        (None, "无法读取Excel文件，文件可能已损坏或不完整"),  # a workbook cut in half
    ],
)
def test_a_protected_or_truncated_workbook_is_refused_by_name(tmp_path, content, said):
    path = tmp_path / "名册.xlsx"
    if content is None:
        book = Workbook()
        book.active.append(list(HEADER))
        book.save(path)
        content = path.read_bytes()[: path.stat().st_size // 2]
    path.write_bytes(content)
    with pytest.raises(DomainError) as refused:
        read_table(path, HEADER)
    assert refused.value.message.startswith("名册.xlsx：") and said in refused.value.message
