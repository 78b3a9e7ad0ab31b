import datetime

import pytest
from django.core.management import call_command

from gonghui.orgs.models import Org
from gonghui.training.rollups import differences
from gonghui.training.services import create_class, create_course

TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def rollups_agree_after_every_scenario(request):
    """Design rule: after any scenario, the rollups equal a recount of the raw records."""
    yield
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        assert differences() == []
        call_command("training", "rollup", "check")


@pytest.fixture
def course(zhumadian_officer):
    return create_course(
        by=zhumadian_officer,
        org=Org.objects.get(code="411700"),
        subject="书法",
        name="硬笔书法入门",
    )


@pytest.fixture
def make_class(zhumadian_officer, course):
    """A class of the 驻马店 course; a Tuesday/Thursday evening term around today by default."""

    def make(name="硬笔书法周二周四班", *, capacity=30, org=None, **fields):
        fields.setdefault("term_starts", TODAY - datetime.timedelta(days=14))
        fields.setdefault("term_ends", TODAY + datetime.timedelta(days=60))
        fields.setdefault("weekdays", [2, 4])
        return create_class(
            by=zhumadian_officer, course=course, org=Org.objects.get(code=org) if org else None,
            name=name, teacher="王老师", room="文化宫302", starts_at=datetime.time(19),
            ends_at=datetime.time(20, 30), capacity=capacity, **fields,
        )  # fmt: skip

    return make
