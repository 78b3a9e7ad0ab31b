"""The report card equals an independent count of the raw records at every level."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gonghui.core.periods import Period
from gonghui.mutualaid.models import Enrolment, Payout
from gonghui.reports.card import report_card
from gonghui.rights.models import Recovery
from gonghui.rights.services import Instalment, record_recoveries

pytestmark = pytest.mark.django_db
D = datetime.date(2026, 3, 1)
LEVELS = ("410000/", "410000/411700/", "410000/411700/411702/", "410000/410300/")


def raw(sql: str, path: str) -> int:
    """One number from the raw tables in plain SQL, not through the app's code."""
    with connection.cursor() as cursor:
        cursor.execute(sql, [path + "%"])
        return cursor.fetchone()[0] or 0


@pytest.fixture
def recovered(case_with_workers, yicheng_officer):
    made, lines = case_with_workers
    zhang, li = lines
    record_recoveries(
        by=yicheng_officer,
        case=made,
        items=[
            Instalment(zhang.pk, 100_000, 20_000, D),
            Instalment(zhang.pk, 50_000, 0, D),
            Instalment(li.pk, 30_000, 5_000, D),
        ],
    )
    return made


def test_every_figure_equals_the_raw_records_at_every_level(recovered, enrolment, province_admin):
    recovery, enrolments, payouts = (
        Recovery._meta.db_table,
        Enrolment._meta.db_table,
        Payout._meta.db_table,
    )
    in_2026 = "BETWEEN '2026-01-01' AND '2026-12-31'"
    for path in LEVELS:
        code = path.rstrip("/").rsplit("/", 1)[-1]
        card = report_card(province_admin, period=Period.year(2026), org_code=code)
        values = {key: figure.value for key, figure in card.figures.items()}
        assert values == {
            "rights.workers": raw(
                f"SELECT COUNT(DISTINCT worker_id) FROM {recovery} "
                f"WHERE org_path LIKE %s AND recovered_on {in_2026}",
                path,
            ),
            "rights.recovered": raw(
                f"SELECT SUM(wages_fen + compensation_fen) FROM {recovery} "
                f"WHERE org_path LIKE %s AND recovered_on {in_2026}",
                path,
            ),
            "mutualaid.enrolments": raw(
                f"SELECT COUNT(*) FROM {enrolments} WHERE org_path LIKE %s AND year = 2026", path
            ),
            "mutualaid.payees": raw(
                f"SELECT COUNT(DISTINCT worker_id) FROM {payouts} "
                "WHERE org_path LIKE %s AND year = 2026",
                path,
            ),
            "mutualaid.paid": raw(
                f"SELECT SUM(amount_fen) FROM {payouts} WHERE org_path LIKE %s AND year = 2026",
                path,
            ),
        }, path
    assert (
        report_card(province_admin, period=Period.year(2026), org_code="411702")
        .figures["rights.workers"]
        .value
        == 2
    )  # 张东青's two instalments are one worker


def test_text_is_the_provinces_sentences_and_json_carries_every_figure(
    recovered, enrolment, province_admin
):
    out = StringIO()
    call_command("report", "--year", "2026", "--org", "411700", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "驻马店市总工会2026年成绩单"
    assert "帮助2名农民工追回工资及赔偿金2050元" in lines
    assert "职工重大疾病互助保障参保1人次；为0人发放互助金0元" in lines
    out = StringIO()
    call_command("report", "--year", "2026", "--format", "json", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["org"] == "410000"
    by_id = {f["id"]: f for f in answer["figures"]}
    assert by_id["rights.recovered"]["value"] == 205_000
    assert by_id["rights.recovered"]["unit"] == "分"
    assert by_id["rights.workers"]["distinct"] is True


def test_an_org_outside_the_users_subtree_is_refused(recovered, zhumadian_officer):
    with pytest.raises(CommandError, match="410300"):
        call_command("report", "--year", "2026", "--org", "410300", "--user", "zhumadian")
