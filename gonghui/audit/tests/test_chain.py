"""The audit log's hash chain: an edited, inserted or deleted event is found by
``gonghui audit verify`` (non-zero exit, the event's id and why); the purge keeps the
retention and leaves a chain that still verifies; the log refuses every bulk write (the money
models' guard is tested in ``gonghui/tests/test_audited_writes.py``)."""

import datetime
import json
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from gonghui.audit import chain
from gonghui.audit.models import AuditCheckpoint, AuditEvent, AuditLogIsAppendOnly
from gonghui.audit.services import purge_audit_log, record_event
from gonghui.core.audited import service_writes
from gonghui.core.errors import DomainError

pytestmark = pytest.mark.django_db


def log(n: int, *, by=None, days_ago: int = 0) -> list[AuditEvent]:
    at = timezone.now() - datetime.timedelta(days=days_ago)
    events = []
    for i in range(n):
        event = record_event(
            actor=by,
            action="update",
            object_type="worker",
            object_id=i,
            org_path="410000/411700/",
            before={"phone": "138****0000", "n": i},
            after={"phone": "139****0000", "名": "张*青"},
            client_ip="::ffff:10.0.0.1" if i % 2 else "10.0.0.2",
        )
        events.append(event)
    if days_ago:
        raw(f"UPDATE {table()} SET at = %s", [at])  # then re-sealed: a log made back then
        reseal()
    return events


def table() -> str:
    return connection.ops.quote_name(AuditEvent._meta.db_table)


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def reseal() -> None:
    """What the migration does for a log made before the chain: seal it in id order."""
    events = list(AuditEvent._base_manager.order_by("id"))
    last = chain.seal(events, chain.GENESIS)
    for event in events:
        raw(
            f"UPDATE {table()} SET prev_hash = %s, hash = %s WHERE id = %s",
            [event.prev_hash, event.hash, event.pk],
        )
    raw("UPDATE audit_auditchain SET last_hash = %s", [last])


def verify_fails() -> str:
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify")
    return str(caught.value)


def test_an_untouched_log_verifies_on_both_databases(capsys):
    log(5)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "审计链完整：5条记录" in out and chain.head_hash() in out
    events = list(AuditEvent.objects.order_by("id"))
    assert events[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))


def test_a_row_edited_with_raw_sql_is_found_by_its_id():
    events = log(5)
    raw(f"UPDATE {table()} SET actor_name = %s WHERE id = %s", ["someone", events[2].pk])
    message = verify_fails()
    assert f"记录{events[2].pk}" in message and "被修改" in message


def test_an_edited_json_value_is_found_although_the_database_reorders_keys():
    events = log(3)
    after = json.dumps({"phone": "139****0001", "名": "张*青"})
    raw(f"UPDATE {table()} SET after = %s WHERE id = %s", [after, events[1].pk])
    assert f"记录{events[1].pk}" in verify_fails()


def test_a_deleted_row_is_found_at_the_next_one():
    events = log(5)
    raw(f"DELETE FROM {table()} WHERE id = %s", [events[2].pk])
    message = verify_fails()
    assert f"记录{events[3].pk}" in message and "被删除" in message


def test_deleting_the_last_rows_is_found_at_the_tail():
    events = log(5)
    raw(f"DELETE FROM {table()} WHERE id >= %s", [events[3].pk])
    assert "链尾" in verify_fails()


def test_a_forged_row_inserted_between_two_is_found():
    events = log(3)
    middle = events[1]
    raw(
        f"INSERT INTO {table()} (id, at, actor_name, action, object_type, object_id, org_path,"
        " prev_hash, hash) VALUES (%s, %s, 'x', 'delete', 'worker', '9', '410000/', %s, %s)",
        [middle.pk + 1000, timezone.now(), middle.hash, "f" * 64],
    )
    # The forged row comes last in id order here: the chain's tail no longer matches it.
    message = verify_fails()
    assert f"记录{middle.pk + 1000}" in message


def test_a_row_inserted_into_the_middle_is_named_inserted():
    events = log(4)
    raw(f"UPDATE {table()} SET id = id + 100 WHERE id >= %s", [events[2].pk])
    gap = events[2].pk
    raw(
        f"INSERT INTO {table()} (id, at, actor_name, action, object_type, object_id, org_path,"
        " prev_hash, hash) VALUES (%s, %s, 'x', 'delete', 'worker', '9', '410000/', %s, %s)",
        [gap, timezone.now(), events[1].hash, "f" * 64],
    )
    message = verify_fails()
    assert f"记录{gap}" in message and "插入" in message


def test_purge_keeps_the_retention_and_leaves_a_chain_that_verifies(province_admin, capsys):
    log(4, by=province_admin, days_ago=400)  # with the admin's own creation, 5 old events
    old = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    too_young = timezone.localdate() - datetime.timedelta(days=100)
    with pytest.raises(DomainError) as refused:
        purge_audit_log(by=province_admin, before=too_young)
    assert refused.value.code == "retention" and "183" in refused.value.message
    with pytest.raises(CommandError):
        call_command("audit", "purge", "--before", too_young.isoformat())
    assert AuditEvent.objects.count() == len(old)
    log(2, by=province_admin)  # this year's events stay
    cut = timezone.localdate() - datetime.timedelta(days=200)
    call_command("audit", "purge", "--before", cut.isoformat())
    assert "已清理" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(id__in=old).exists()
    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.rows, checkpoint.last_id) == (len(old), old[-1])
    assert AuditEvent.objects.filter(action="audit_purge").count() == 1
    call_command("audit", "verify")
    assert "审计链完整：3条记录" in capsys.readouterr().out
    # A forged checkpoint (to hide a deletion after it) is refused by its MAC.
    raw("UPDATE audit_auditcheckpoint SET last_id = last_id + 1")
    assert "检查点" in verify_fails()


def test_purge_refuses_to_remove_a_broken_part_of_the_chain(province_admin):
    events = log(3, days_ago=400)
    raw(f"UPDATE {table()} SET object_id = '77' WHERE id = %s", [events[0].pk])
    with pytest.raises(DomainError) as refused:
        purge_audit_log(by=province_admin, before=timezone.localdate() - datetime.timedelta(200))
    assert refused.value.code == "chain_broken"
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in events]).count() == 3


def test_retention_below_six_months_is_refused_at_start(monkeypatch):
    import importlib

    import gonghui.settings as settings_module

    monkeypatch.setenv("GONGHUI_AUDIT_RETENTION_DAYS", "90")
    refused = importlib.reload(settings_module)
    assert "GONGHUI_AUDIT_RETENTION_DAYS" in refused.KEY_REFUSAL
    assert refused.AUDIT_RETENTION_DAYS == 183
    monkeypatch.setenv("GONGHUI_AUDIT_RETENTION_DAYS", "365")
    kept = importlib.reload(settings_module)
    assert (kept.AUDIT_RETENTION_DAYS, kept.KEY_REFUSAL) == (365, "")
    monkeypatch.delenv("GONGHUI_AUDIT_RETENTION_DAYS")
    importlib.reload(settings_module)


def test_the_audit_log_refuses_every_bulk_write_even_inside_a_service():
    (event,) = log(1)
    with service_writes():
        for write in (
            lambda: AuditEvent.objects.filter(pk=event.pk).update(action="x"),
            lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
            lambda: AuditEvent.objects.bulk_create([AuditEvent(action="x")]),
            lambda: AuditEvent.objects.bulk_update([event], ["action"]),
            lambda: event.save(),
            lambda: event.delete(),
        ):
            with pytest.raises(AuditLogIsAppendOnly):
                write()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("file_database")
def test_concurrent_writers_never_fork_the_chain():
    """Eight threads, each its own connection, append at once: one chain, every event once."""
    threads, each = 8, 10
    barrier = threading.Barrier(threads)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(each):
                with transaction.atomic():
                    record_event(
                        actor=None,
                        action="update",
                        object_type="worker",
                        object_id=f"{n}-{i}",
                        org_path="410000/",
                    )
        except BaseException as exc:  # reported below, with the thread's own error
            failures.append(exc)
        finally:
            connections.close_all()

    running = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    assert failures == []
    links = list(AuditEvent.objects.filter(action="update").values_list("prev_hash", flat=True))
    assert len(links) == threads * each == len(set(links))  # no two events extend the same one
    assert chain.verify().ok


OLD_KEY = "b2xkLWZpZWxkLWtleS1vZi10aGUtYXVkaXQtdGVzdHMhIQ=="
NEW_KEY = "bmV3LWZpZWxkLWtleS1vZi10aGUtYXVkaXQtdGVzdHMhIQ=="


def test_the_log_verifies_after_a_rotation_without_the_old_key(settings, capsys):
    settings.FIELD_KEYS = [OLD_KEY]
    log(4)
    settings.FIELD_KEYS = [NEW_KEY, OLD_KEY]  # the server runs on the ring while rotating
    log(2)
    call_command("audit", "verify")
    call_command("keys", "rotate")
    log(1)
    settings.FIELD_KEYS = [NEW_KEY]
    call_command("audit", "verify")
    assert f"审计链完整：{AuditEvent.objects.count()}条记录" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="keys_rotate").count() == 1


def test_without_the_reseal_dropping_the_old_key_breaks_the_chain(settings):
    settings.FIELD_KEYS = [OLD_KEY]
    events = log(2)
    settings.FIELD_KEYS = [NEW_KEY]
    assert f"记录{events[0].pk}" in verify_fails()


def rotated(settings, n: int) -> list[AuditEvent]:
    """``n`` events logged under the old key, re-sealed, and the old key dropped."""
    settings.FIELD_KEYS = [OLD_KEY]
    events = log(n)
    settings.FIELD_KEYS = [NEW_KEY, OLD_KEY]
    assert chain.reseal() >= n
    settings.FIELD_KEYS = [NEW_KEY]
    return events


def test_a_row_tampered_after_a_rotation_is_still_found(settings):
    events = rotated(settings, 5)
    raw(f"UPDATE {table()} SET object_id = '77' WHERE id = %s", [events[3].pk])
    message = verify_fails()
    assert f"记录{events[3].pk}" in message and "被修改" in message


def test_a_removed_seal_is_found_as_a_modified_row(settings):
    events = rotated(settings, 3)
    raw("DELETE FROM audit_auditseal WHERE event_id = %s", [events[1].pk])
    assert f"记录{events[1].pk}" in verify_fails()


def test_a_broken_chain_is_not_resealed(settings):
    settings.FIELD_KEYS = [OLD_KEY]
    events = log(3)
    raw(f"UPDATE {table()} SET actor_name = 'x' WHERE id = %s", [events[1].pk])
    settings.FIELD_KEYS = [NEW_KEY, OLD_KEY]
    with pytest.raises(DomainError) as refused:
        chain.reseal()
    assert refused.value.code == "chain_broken"
    settings.FIELD_KEYS = [NEW_KEY]
    assert f"记录{events[0].pk}" in verify_fails()  # nothing was sealed under the new key


def test_a_purge_checkpoint_is_resigned_by_the_rotation(settings, province_admin):
    settings.FIELD_KEYS = [OLD_KEY]
    log(3, by=province_admin, days_ago=400)
    log(2)
    purge_audit_log(by=province_admin, before=timezone.localdate() - datetime.timedelta(200))
    settings.FIELD_KEYS = [NEW_KEY, OLD_KEY]
    chain.reseal()
    settings.FIELD_KEYS = [NEW_KEY]
    assert chain.verify().ok
