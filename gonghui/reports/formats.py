"""The report card as the province hands it on: text sentences, JSON, Excel (one sheet per
module) and a printable PDF, all from one ``Card``."""

import io
import json

from django.template.loader import render_to_string

from gonghui.core.figures import DISTINCT_NOTE
from gonghui.core.money import fen_to_yuan
from gonghui.core.workbook import add_sheet, new_workbook
from gonghui.reports.card import Card, Row, Section


def as_dict(card: Card) -> dict:
    """What the API and ``--format json`` answer: every figure exact (money in fen) and
    printed, the sentences, and the drill-down rows when asked for."""
    answer = {
        "org": card.org.code,
        "org_name": card.org.name,
        "period": {"from": card.period.start.isoformat(), "to": card.period.end.isoformat()},
        "title": card.title,
        "figures": [
            {
                "id": f.indicator.id,
                "module": section.label,
                "label": f.indicator.label,
                "value": f.value,
                "unit": "分" if f.indicator.money else f.indicator.unit,
                "printed": f.printed,
                "distinct": f.indicator.distinct,
            }
            for section in card.sections()
            for f in section.figures
        ],
        "sentences": card.sentences(),
    }
    if card.rows:
        answer["by_child"] = [
            {"org": row.org.code, "org_name": row.org.name, "own": row.own, "values": row.values}
            for row in card.rows
        ]
    return answer


def as_json(card: Card) -> str:
    return json.dumps(as_dict(card), ensure_ascii=False, indent=2)


def drill_table(card: Card, section: Section) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of a module by child org, numbers in full, the total last."""
    header = [
        "组织",
        *(f"{f.indicator.label}（{f.indicator.table_unit}）" for f in section.figures),
    ]
    rows = [
        [row.label, *(f.indicator.plain(row.values[f.indicator.id]) for f in section.figures)]
        for row in card.rows
    ]
    rows.append(["合计", *(f.plain for f in section.figures)])
    return header, rows


def as_text(card: Card) -> str:
    """The title and the province's sentences; with the drill-down, a table per module."""
    lines = [card.title, *card.sentences()]
    for section in card.sections() if card.rows else ():
        header, rows = drill_table(card, section)
        lines += ["", f"【{section.label}】按下级组织", "\t".join(header)]
        lines += ["\t".join(row) for row in rows]
    if card.rows:
        lines += ["", DISTINCT_NOTE]
    return "\n".join(lines)


def _cell(section: Section, row_values: dict[str, int]) -> list:
    """A sheet's cells: yuan as Decimal from exact fen, counts as integers."""
    return [
        fen_to_yuan(row_values[f.indicator.id]) if f.indicator.money else row_values[f.indicator.id]
        for f in section.figures
    ]


def as_workbook(card: Card) -> bytes:
    """One sheet of sentences, then one sheet per module: the total, the 本级 row and each
    child (when drilled down), exact numbers with yuan formatted as money."""
    book = new_workbook()
    add_sheet(book, "成绩单", [card.title], [[sentence] for sentence in card.sentences()])
    for section in card.sections():
        header = [
            "组织",
            *(f"{f.indicator.label}（{f.indicator.table_unit}）" for f in section.figures),
        ]
        totals = {f.indicator.id: f.value for f in section.figures}
        rows: list[Row] = card.rows
        lines = [[row.label, *_cell(section, row.values)] for row in rows]
        lines.append([f"合计（{card.org.name}）", *_cell(section, totals)])
        if card.rows and any(f.indicator.distinct for f in section.figures):
            lines.append([DISTINCT_NOTE])
        money = [i + 2 for i, f in enumerate(section.figures) if f.indicator.money]
        add_sheet(book, section.label[:31], header, lines, money_columns=money)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_pdf(card: Card) -> bytes:
    """A printable A4 card in Noto Sans CJK (Debian's fonts-noto-cjk), through WeasyPrint."""
    from weasyprint import HTML  # loads Pango; only the PDF needs it

    sections = [(section, *drill_table(card, section)) for section in card.sections()]
    html = render_to_string(
        "reports/card_print.html", {"card": card, "sections": sections, "note": DISTINCT_NOTE}
    )
    return HTML(string=html).write_pdf()
