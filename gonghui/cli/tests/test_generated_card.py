"""A generated tiny province: every figure of the report card equals plain SQL over the raw
records at every level, for a year and for part of one (the acceptance at ``tiny`` scale;
``city`` is run by hand, see the closing notes)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from gonghui.cli.generate.plan import TINY
from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.orgs.models import Org
from gonghui.reports.card import indicators, report_card
from gonghui.reports.independent import filled, queries

pytestmark = pytest.mark.django_db
YEAR = 2025


def plain_sql(under: Under, period: Period) -> dict[str, int]:
    found = {}
    with connection.cursor() as cursor:
        for key, sql in queries(period).items():
            cursor.execute(filled(sql, under))
            found[key] = cursor.fetchone()[0] or 0
    return found


def test_every_figure_equals_plain_sql_at_every_level(province_admin):
    call_command(
        "generate", "--scale", "tiny", "--seed", "7", "--year", str(YEAR), stdout=StringIO()
    )
    places = [Org.objects.get(code="410000"), Org.objects.get(code="410300")]
    places += list(Org.objects.filter(path__startswith="410000/411700/").order_by("path"))
    assert len(places) > 10  # the city, its counties and their grassroots unions
    periods = [Period.year(YEAR), Period(datetime.date(YEAR, 3, 1), datetime.date(YEAR, 8, 31))]
    nonzero = set()
    for period in periods:
        for org in places:
            card = report_card(province_admin, period=period, org_code=org.code)
            got = {key: figure.value for key, figure in card.figures.items()}
            assert got == plain_sql(Under(org.path), period), (org.code, str(period))
            nonzero |= {key for key, value in got.items() if value}
        own = Under("410000/411700/", own=True)
        assert {i.id: i.measure(own, period) for i in indicators()} == plain_sql(own, period)
    assert nonzero == {i.id for i in indicators()}  # the generator touched every figure


def test_the_generated_card_is_the_plans_targets_to_the_unit(province_admin):
    """Every figure the plan aims at comes out exactly (money to the fen), as the province's
    plan needs for its card to print the published figures (test_generate_plan.py)."""
    # Through the services (the bulk path leaves the same rows: test_generate.py).
    call_command(
        "generate", "--scale", "tiny", "--seed", "3", "--year", str(YEAR), stdout=StringIO()
    )
    card = report_card(province_admin, period=Period.year(YEAR), org_code="410000")
    got = {key: card.figures[key].value for key in TINY.targets}
    assert got == TINY.targets
