"""``gonghui generate``: the bulk path leaves exactly the rows and rollups the services leave,
and ``gonghui rollup check`` passes after either.

Both paths run at tiny scale on a freshly flushed database (sequences reset, the union
tree put back as migrations leave it), so equal ids mean rows created in the same order.
Every table of the project's apps is compared, column by column, except what below says
differs between any two runs, whichever path writes.
"""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from gonghui.core.crypto import decrypt
from gonghui.core.rollups import RollupRow
from gonghui.members.validation import ID_PURPOSE, PHONE_PURPOSE
from gonghui.mutualaid.services import DIAGNOSIS_PURPOSE
from gonghui.orgs.divisions import create_federations
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db(transaction=True)

# Tables left out whole. The audit log: the services write an event per record, the bulk
# path one for the run (generated data is done by nobody; see cli/generate/run.py), so the
# chain's head differs too. django_* and auth_* tables are Django's own, not the project's.
LEFT_OUT = {"audit.AuditEvent", "audit.AuditChain"}

# Columns stamped with the moment of writing (``timezone.now()`` in the services, the run's
# start in the bulk path), or random by design.
LEFT_OUT_COLUMNS = {
    "accounts.User": {"password", "date_joined", "last_login"},  # random password, its salt
    "core.ChangeStamp": {"token"},  # a random token per change
    "members.Worker": {"created_at", "updated_at"},
    "mutualaid.Enrolment": {"created_at"},
    "mutualaid.Claim": {"state_changed_at"},
    "core.WorkflowStep": {"at"},
    "rights.WageCase": {"state_changed_at", "last_progress_at"},
    "rights.Recovery": {"recorded_at"},
    "stations.Station": {"updated_at"},
    "culture.EventAttendee": {"signed_at"},
    "training.Enrolment": {"applied_at", "seated_at"},
    "training.Attendance": {"at"},
    "training.FundProject": {"created_at"},
    "training.FundSpending": {"recorded_at"},
    "training.FundTrainee": {"added_at"},
}

# Ciphertexts carry a random nonce: compared by their clear text.
ENCRYPTED = {
    ("members.Worker", "id_cipher"): ID_PURPOSE,
    ("members.Worker", "phone_cipher"): PHONE_PURPOSE,
    ("mutualaid.Claim", "diagnosis_cipher"): DIAGNOSIS_PURPOSE,
}


def project_models():
    for config in apps.get_app_configs():
        if config.name.startswith("gonghui."):
            yield from config.get_models(include_auto_created=True)


def snapshot() -> dict[str, list]:
    """Every project table's rows, as comparable tuples. Rollup tables are written by the
    rebuild in its recount's order, so they are compared as sorted rows without their ids."""
    tables = {}
    for model in project_models():
        label = model._meta.label
        if label in LEFT_OUT:
            continue
        rollup = issubclass(model, RollupRow)
        skip = LEFT_OUT_COLUMNS.get(label, set()) | ({"id"} if rollup else set())
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in skip]
        rows = []
        for row in model._default_manager.order_by("pk").values_list(*fields):
            rows.append(
                tuple(
                    decrypt(value, purpose=ENCRYPTED[(label, name)])
                    if (label, name) in ENCRYPTED and value is not None
                    else value
                    for name, value in zip(fields, row, strict=True)
                )
            )
        tables[label] = sorted(rows, key=repr) if rollup else rows
    return tables


def fresh_database() -> None:
    call_command("flush", interactive=False, verbosity=0)
    create_federations(Org)


def generate(path: str) -> dict[str, list]:
    fresh_database()
    out = StringIO()
    call_command("generate", scale="tiny", seed=7, year=2025, path=path, stdout=out)
    call_command("rollup", "check", stdout=out)
    assert "完成：tiny规模" in out.getvalue()
    return snapshot()


def test_bulk_path_leaves_what_the_services_leave():
    by_services = generate("services")
    by_bulk = generate("bulk")
    assert by_services.keys() == by_bulk.keys()
    for label, rows in by_services.items():
        assert rows == by_bulk[label], label
    # Every app got records (each table a service of it writes).
    for label in (
        "programs.ServiceRecord",
        "mutualaid.Payout",
        "rights.Recovery",
        "stations.Visit",
        "culture.EventAttendee",
        "culture.ReadingDaily",
        "training.Attendance",
        "training.CraftsmanTitle",
        "training.FundOutcome",
        "programs.ProgramWorkerYear",
    ):
        assert by_bulk[label], label
    with pytest.raises(CommandError, match="空库"):
        call_command("generate", scale="tiny", seed=7, stdout=StringIO())
