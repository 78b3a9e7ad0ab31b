import datetime

import pytest
from django.core.management import call_command

from gonghui.orgs.models import Org
from gonghui.programs.models import Frequency, ProgramKind
from gonghui.programs.rollups import ROLLUPS
from gonghui.programs.services import create_program, create_service_point

TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def rollups_agree_after_every_scenario(request):
    """Design rule: after any scenario, the rollups equal a recount of the raw records."""
    yield
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        assert ROLLUPS.differences() == []
        call_command("rollup", "check", "--app", "programs")


@pytest.fixture
def program(province_admin):
    """Make a program run by ``org`` (default the province)."""

    def make(
        name="环卫工人免费早餐",
        *,
        org="410000",
        kind=ProgramKind.DAILY,
        frequency=Frequency.DAILY,
        **fields,
    ):
        fields.setdefault("starts_on", TODAY - datetime.timedelta(days=30))
        fields.setdefault("ends_on", TODAY + datetime.timedelta(days=30))
        return create_program(
            by=province_admin,
            org=Org.objects.get(code=org),
            name=name,
            kind=kind,
            frequency=frequency,
            **fields,
        )

    return make


@pytest.fixture
def point(province_admin):
    def make(name, *, org="411702", programs=(), staff=()):
        return create_service_point(
            by=province_admin,
            org=Org.objects.get(code=org),
            name=name,
            programs=programs,
            staff=staff,
        )

    return make
