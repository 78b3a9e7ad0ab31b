import pytest
from django.core.management import call_command

from gonghui.members.rollups import ROLLUPS


@pytest.fixture(autouse=True)
def rollup_agrees_after_every_scenario(request):
    """Design rule: after any scenario, the outdoor-worker rollup equals a recount of the
    worker table."""
    names = request.fixturenames
    database = next((n for n in ("transactional_db", "db") if n in names), None)
    if database:
        request.getfixturevalue(database)  # set up first, so still there at this teardown
    yield
    if database:
        assert ROLLUPS.differences() == []
        call_command("rollup", "check", "--app", "members")
