"""A class's roster as an Excel workbook: seated and waiting workers, attendance, sessions.

Names are masked and ID numbers never leave the database: the sheet is for the
teacher's register, not for identifying people.
"""

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from gonghui.members.selectors import mask_name
from gonghui.training.models import TrainingClass

BOLD = Font(bold=True)


def _sheet(book: Workbook, title: str, header: list[str], rows) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append(row)


def class_workbook(klass: TrainingClass, roster: dict, sessions: list) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    _sheet(
        book,
        "班级",
        ["班级", "课程", "科目", "老师", "教室", "开课", "结课", "名额", "已录取", "候补"],
        [[klass.name, klass.course.name, klass.course.subject.name, klass.teacher, klass.room,
          klass.term_starts, klass.term_ends, klass.capacity, len(roster["enrolled"]),
          len(roster["waiting"])]],
    )  # fmt: skip
    header = [
        "序号",
        "姓名",
        "身份证号",
        "所属工会",
        "状态",
        "报名时间",
        "出勤次数",
        "结业证书编号",
    ]
    rows = []
    for position, e in enumerate(roster["enrolled"] + roster["waiting"], start=1):
        rows.append([
            position, mask_name(e.worker.name), e.worker.id_masked, e.worker.org.name,
            e.get_state_display(), timezone.localtime(e.applied_at).replace(tzinfo=None), e.attended,
            e.certificate_no,
        ])  # fmt: skip
    _sheet(book, "名单", header, rows)
    _sheet(book, "课次", ["第几次", "日期"], ([s.number, s.day] for s in sessions))
    return book
