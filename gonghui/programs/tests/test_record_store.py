"""``store_record`` writes a record with its audit event, spending and rollups, all or
nothing: one statement on PostgreSQL, a transaction of statements on SQLite. The suite
runs on both, so each way is proven by the same tests."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from gonghui.accounts.models import Role
from gonghui.audit.models import AuditEvent
from gonghui.audit.services import new_event
from gonghui.programs.budget import spent_fen
from gonghui.programs.models import BudgetSlot, ProgramDaily, ProgramWorkerYear, ServiceRecord
from gonghui.programs.record_store import store_record
from gonghui.programs.services import period_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(program, point, staff):
    def make(**fields):
        run = program("早餐", **fields)
        clerk = staff(f"clerk{run.pk}", "411702", Role.POINT_STAFF)
        return run, point(f"早餐店{run.pk}", programs=[run], staff=[clerk]), clerk

    return make


def _new(run, desk, clerk, worker, amount: int):
    now = timezone.now()
    day = timezone.localdate(now)
    record = ServiceRecord(
        program=run,
        worker=worker,
        point=desk,
        org_id=desk.org_id,
        org_path=desk.org_path,
        served_at=now,
        served_on=day,
        period_key=period_key(run.frequency, day),
        amount_fen=amount,
        channel="scan",
        recorded_by=clerk,
    )
    event = new_event(
        actor=clerk,
        action="serve",
        object_type="service_record",
        object_id="",
        org_path=desk.org_path,
        after={"worker": worker.pk},
    )
    return record, event


def _everything():
    """What a store may write, to show that a refused one wrote none of it."""
    return (
        list(ServiceRecord.objects.values_list("id", flat=True)),
        AuditEvent.objects.filter(object_type="service_record").count(),
        list(BudgetSlot.objects.order_by("id").values_list("spent_fen", flat=True)),
        list(ProgramDaily.objects.values_list("person_times", "amount_fen")),
        list(ProgramWorkerYear.objects.values_list("times", flat=True)),
    )


def test_a_stored_record_comes_with_its_audit_event_spending_and_rollups(counter, make_worker):
    run, desk, clerk = counter(unit_cost_fen=500, budget_fen=10_000)
    worker = make_worker()
    record, event = _new(run, desk, clerk, worker, 500)
    assert store_record(record, event=event, program=run)
    assert ServiceRecord.objects.get(pk=record.pk).worker_id == worker.pk
    logged = AuditEvent.objects.get(object_type="service_record")
    assert (logged.object_id, logged.actor_id, logged.after) == (
        str(record.pk),
        clerk.pk,
        {"worker": worker.pk},
    )
    assert spent_fen(run) == 500
    assert list(ProgramDaily.objects.values_list("person_times", "amount_fen")) == [(1, 500)]
    assert list(ProgramWorkerYear.objects.values_list("worker_id", "times")) == [(worker.pk, 1)]


def test_a_collision_raises_and_writes_nothing(counter, make_worker):
    run, desk, clerk = counter(unit_cost_fen=500, budget_fen=10_000)
    worker = make_worker()
    record, event = _new(run, desk, clerk, worker, 500)
    assert store_record(record, event=event, program=run)
    before = _everything()
    again, event = _new(run, desk, clerk, worker, 500)
    with pytest.raises(IntegrityError):
        store_record(again, event=event, program=run)
    assert _everything() == before


def test_a_slot_that_cannot_pay_writes_nothing(counter, make_worker):
    run, desk, clerk = counter(unit_cost_fen=500, budget_fen=1000)  # 62 fen per slot
    before = _everything()
    record, event = _new(run, desk, clerk, make_worker(), 500)
    assert store_record(record, event=event, program=run) is False
    assert record.pk is None
    assert _everything() == before


def test_a_free_service_is_stored_without_spending(counter, make_worker):
    run, desk, clerk = counter(unit_cost_fen=0, budget_fen=0)
    record, event = _new(run, desk, clerk, make_worker(), 0)
    assert store_record(record, event=event, program=run)
    assert spent_fen(run) == 0
    assert list(ProgramDaily.objects.values_list("person_times", "amount_fen")) == [(1, 0)]


def test_a_collision_inside_an_import_leaves_the_import_able_to_go_on(counter, make_worker):
    run, desk, clerk = counter(unit_cost_fen=500)
    first, second = make_worker(), make_worker()
    with transaction.atomic():
        record, event = _new(run, desk, clerk, first, 500)
        assert store_record(record, event=event, program=run)
        again, event = _new(run, desk, clerk, first, 500)
        with pytest.raises(IntegrityError):
            store_record(again, event=event, program=run)
        other, event = _new(run, desk, clerk, second, 500)
        assert store_record(other, event=event, program=run)
    assert set(ServiceRecord.objects.values_list("worker_id", flat=True)) == {first.pk, second.pk}
    assert spent_fen(run) == 1000
