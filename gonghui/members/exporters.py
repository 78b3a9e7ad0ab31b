"""Exporting the registry: the user's scope only, ID numbers and phones masked."""

from collections.abc import Callable, Iterator
from pathlib import Path

from openpyxl import Workbook

from gonghui.audit.services import record_event
from gonghui.core.files import open_private
from gonghui.core.tabular import write_csv
from gonghui.core.workbook import append_row
from gonghui.members.categories import category_names
from gonghui.members.selectors import workers_visible_to

EXPORT_COLUMNS = (
    "姓名",
    "身份证号",
    "性别",
    "出生年份",
    "手机号码",
    "工会组织代码",
    "工会组织",
    "工作单位",
    "统一社会信用代码",
    "职工类别",
    "会员",
    "入会日期",
)


def export_rows(user, **filters):
    workers = workers_visible_to(user, **filters).order_by("id")
    for w in workers.iterator(chunk_size=5000):
        yield [
            w.name,
            w.id_masked,
            w.get_sex_display(),
            w.birth_year,
            w.phone_masked,
            w.org.code,
            w.org.name,
            w.employer.name if w.employer else "",
            w.employer.uscc if w.employer else "",
            "、".join(category_names(w.categories)),
            "是" if w.is_member else "否",
            w.joined_on.isoformat() if w.joined_on else "",
        ]


class _Tally:
    """Passes rows through, counting them and reporting progress every 5,000."""

    def __init__(self, rows: Iterator[list], progress: Callable[[int], None] | None) -> None:
        self.rows, self.progress, self.count = rows, progress, 0

    def __iter__(self) -> Iterator[list]:
        for row in self.rows:
            self.count += 1
            if self.progress and self.count % 5000 == 0:
                self.progress(self.count)
            yield row


def export_workers(
    user, output: Path, *, progress: Callable[[int], None] | None = None, **filters
) -> int:
    """Write .csv (UTF-8 with BOM, which Excel opens correctly) or .xlsx, owner-only and
    formula-safe (``core.workbook``); return the row count."""
    rows = _Tally(export_rows(user, **filters), progress)
    if output.suffix.lower() == ".xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet("职工")
        append_row(sheet, EXPORT_COLUMNS)
        for row in rows:
            append_row(sheet, row)
        with open_private(output) as handle:
            book.save(handle)
    else:
        write_csv(output, EXPORT_COLUMNS, rows)
    count = rows.count
    record_event(
        actor=user,
        action="export",
        object_type="workers",
        object_id=output.name,
        org_path=user.scope_path or "",
        after={"rows": count, "filters": {k: str(v) for k, v in filters.items()}},
    )
    return count
