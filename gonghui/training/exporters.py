"""Excel workbooks: a class's roster (seated and waiting workers, attendance, sessions), a
training-fund project (trainees, outcomes, spending) and a skill contest's ranking.

Names are masked and ID numbers never leave the database: the sheet is for the
teacher's register, not for identifying people.
"""

from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook

from gonghui.core.money import fen_to_yuan
from gonghui.core.workbook import add_sheet as _sheet
from gonghui.core.workbook import new_workbook
from gonghui.members.selectors import mask_name
from gonghui.training.models import OutcomeKind, TrainingClass


def class_workbook(klass: TrainingClass, roster: dict, sessions: list) -> Workbook:
    book = new_workbook()
    _sheet(
        book,
        "班级",
        ["班级", "课程", "科目", "老师", "教室", "开课", "结课", "名额", "已录取", "候补"],
        [
            [
                klass.name,
                klass.course.name,
                klass.course.subject.name,
                klass.teacher,
                klass.room,
                klass.term_starts,
                klass.term_ends,
                klass.capacity,
                len(roster["enrolled"]),
                len(roster["waiting"]),
            ]
        ],
    )
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
        rows.append(
            [
                position,
                mask_name(e.worker.name),
                e.worker.id_masked,
                e.worker.org.name,
                e.get_state_display(),
                timezone.localtime(e.applied_at).replace(tzinfo=None),
                e.attended,
                e.certificate_no,
            ]
        )
    _sheet(book, "名单", header, rows)
    _sheet(book, "课次", ["第几次", "日期"], ([s.number, s.day] for s in sessions))
    return book


def fund_workbook(project, trainees: list, spendings: list) -> Workbook:
    """A fund project for the funding union's accounts: terms, trainees with their outcomes
    (names and ID numbers masked), spending entries. Money in yuan with two decimals."""
    book = new_workbook()
    _sheet(
        book,
        "项目",
        [
            "项目名称",
            "类型",
            "资助组织",
            "合作企业",
            "统一社会信用代码",
            "合作院校/培训机构",
            "开始日期",
            "结束日期",
            "预算（元）",
            "已支出（元）",
            "结余（元）",
            "学员人数",
        ],
        [
            [
                project.name,
                project.get_kind_display(),
                project.org.name,
                project.employer.name,
                project.employer.uscc,
                project.provider,
                project.starts_on,
                project.ends_on,
                fen_to_yuan(project.budget_fen),
                fen_to_yuan(project.spent_fen),
                fen_to_yuan(project.left_fen),
                len(trainees),
            ]
        ],
    )
    kinds = list(OutcomeKind)
    header = ["序号", "姓名", "身份证号", "所属工会", "入学日期"]
    header += [f"{kind.label}日期" for kind in kinds] + ["证书编号/等级/说明"]
    rows = []
    for n, t in enumerate(trainees, start=1):
        results = [t.results.get(kind.value) for kind in kinds]
        notes = "；".join(o.note for o in results if o is not None and o.note)
        rows.append(
            [
                n,
                mask_name(t.worker.name),
                t.worker.id_masked,
                t.worker.org.name,
                t.joined_on,
                *(o.on if o else None for o in results),
                notes,
            ]
        )
    _sheet(book, "学员与结果", header, rows)
    _sheet(
        book,
        "支出",
        ["支出日期", "金额（元）", "用途", "登记人"],
        (
            [s.spent_on, fen_to_yuan(s.amount_fen), s.purpose, s.recorded_by.username]
            for s in spendings
        ),
    )
    return book


def _two_places(ranked, value) -> Decimal | None:
    return None if value is None else Decimal(ranked.shown(value))


def ranking_workbook(competition, rows: list) -> Workbook:
    """A contest's results as the ranking page shows them (``rows`` from
    ``ranking_visible_to``): rank (shared by ties, blank when marks are missing), masked
    name, each part's mean and the weighted total, rounded half-up to two decimals as
    numbers; the order and the ranks come from the exact values."""
    book = new_workbook()
    practical = 100 - competition.theory_weight
    _sheet(
        book,
        "竞赛",
        ["竞赛名称", "级别", "工种", "主办组织", "比赛日期", "理论权重（%）", "实操权重（%）"],
        [
            [
                competition.name,
                competition.get_tier_display(),
                competition.trade,
                competition.org.name,
                competition.held_on,
                competition.theory_weight,
                practical,
            ]
        ],
    )
    _sheet(
        book,
        "成绩排名",
        ["名次", "姓名", "所属工会", "理论平均分", "实操平均分", "加权总分"],
        (
            [
                r.rank if r.rank is not None else "成绩不全",
                mask_name(r.entry.worker.name),
                r.entry.worker.org.name,
                _two_places(r, r.theory),
                _two_places(r, r.practical),
                _two_places(r, r.total),
            ]
            for r in rows
        ),
    )
    return book
