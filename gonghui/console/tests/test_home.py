"""The home page's to-do counts are the lists they link to, for each role and scope (a point's
clerk still lands on the check-in page: accounts/tests/test_views.py)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from gonghui.accounts.models import Role, User
from gonghui.programs.selectors import programs_visible_to
from gonghui.programs.services import change_budget
from gonghui.stations.models import Station
from gonghui.training.models import TrainingClass

pytestmark = pytest.mark.django_db
PAGE_SIZE = 50
ROW = {  # the list a to-do links to → the attribute of its table's rows
    "claims": "data-claim",
    "rosters": "data-roster",
    "cases": "data-case",
    "overdue": "data-case",
    "draws": "data-class",
    "budgets": "data-program",
    "stations": "data-station",
    "imports": "data-import",
}


@pytest.fixture
def generated(province_admin, staff):
    """A tiny generated province, with a class waiting for its draw and a programme whose
    budget is nearly spent, so that every to-do has something in it somewhere."""
    call_command("generate", "--scale", "tiny", "--seed", "5", "--year", "2025", stdout=StringIO())
    klass = TrainingClass.objects.filter(org_path__startswith="410000/411700/").first()
    klass.lottery, klass.lottery_drawn = True, False
    klass.save(update_fields=["lottery", "lottery_drawn"])
    program = programs_visible_to(province_admin).filter(spent_fen__gt=0).first()
    second = staff("province2", "410000", Role.PROVINCE_ADMIN)  # four eyes: not the setter
    change_budget(by=second, program=program, budget_fen=program.spent_fen, reason="用尽")


def home_counts(client) -> dict[str, tuple[int, str]]:
    page = client.get(reverse("home")).content.decode()
    found = re.findall(r'data-todo="(\w+)"[^>]*><a href="([^"]+)"><strong>(\d+)</strong>', page)
    return {key: (int(count), href.replace("&amp;", "&")) for key, href, count in found}


@pytest.mark.parametrize("username", ["province", "zhumadian", "luoyang"])
def test_each_count_is_the_list_it_links_to(generated, client, staff, username):
    staff("zhumadian", "411700")
    staff("luoyang", "410300", Role.REVIEWER)
    client.force_login(User.objects.get(username=username))
    counts = home_counts(client)
    assert set(counts) == set(ROW)
    for key, (count, href) in counts.items():
        rows = client.get(href).content.decode().count(f"<tr {ROW[key]}=")
        assert rows == min(count, PAGE_SIZE), (username, key, href)
    if username == "province":
        assert counts["draws"][0] >= 1 and counts["budgets"][0] >= 1 and counts["stations"][0] >= 1
    if username == "luoyang":  # a sibling of 驻马店 sees none of its to-dos
        assert (
            counts["draws"][0] == 0
            and counts["stations"][0]
            == Station.objects.filter(org_path__startswith="410000/410300/").count()
        )


def test_the_home_page_shows_this_years_additive_figures(client, province_admin):
    client.force_login(province_admin)
    page = client.get(reverse("home")).content.decode()
    assert 'data-indicator="programs.breakfast_times"' in page
    assert 'data-indicator="programs.breakfast_persons"' not in page  # distinct: on the card
