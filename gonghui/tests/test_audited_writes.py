"""Bulk writes to the models whose writes are audited (money: claims, payouts, wage cases,
recoveries, programmes, budget slots, service records) are refused outside a service, so
no ``update()`` or ``delete()`` in a shell, admin action or view changes them unaudited."""

import pytest

from gonghui.core.audited import UnauditedWrite, service_writes
from gonghui.mutualaid.models import Claim, Payout
from gonghui.programs.models import BudgetSlot, Program, ServiceRecord
from gonghui.rights.models import Recovery, WageCase

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model", [Claim, Payout, WageCase, Recovery, Program, BudgetSlot, ServiceRecord]
)
def test_update_and_delete_on_audited_models_are_refused_outside_services(model):
    writes = (
        lambda: model.objects.update(id=-1),
        lambda: model.objects.all().delete(),
        lambda: model.objects.bulk_update([], ["id"]),
    )
    for write in writes:
        with pytest.raises(UnauditedWrite) as refused:
            write()
        assert refused.value.code == "unaudited_write" and refused.value.status == 403
    with service_writes():
        assert model.objects.filter(pk=-1).update(id=-1) == 0
        assert model.objects.filter(pk=-1).delete()[0] == 0
