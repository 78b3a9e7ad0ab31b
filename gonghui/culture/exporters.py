"""The bookhouse list as an Excel workbook: registry fields, holdings and readers' visits."""

from openpyxl import Workbook

from gonghui.core.workbook import add_sheet, new_workbook

HEADER_BEFORE_VISITS = (
    "书屋名称",
    "所属组织",
    "组织代码",
    "依托单位类型",
    "示范级别",
    "命名年份",
    "藏书（册）",
    "电子图书（册）",
    "期刊（种）",
    "开放时间",
)


def bookhouse_workbook(bookhouses, *, year: int | None) -> Workbook:
    """``bookhouses`` come from ``bookhouses_visible_to(user, year=year)`` (with ``visits``)."""
    book = new_workbook()
    visits = f"{year}年读者人次" if year else "读者人次（累计）"
    add_sheet(
        book,
        "职工书屋",
        [*HEADER_BEFORE_VISITS, visits],
        (
            [
                b.name,
                b.org.name,
                b.org.code,
                b.get_host_kind_display(),
                b.get_level_display(),
                b.level_year,
                b.holdings,
                b.ebooks,
                b.periodicals,
                b.opening_hours,
                b.visits,
            ]
            for b in bookhouses
        ),
    )
    return book
