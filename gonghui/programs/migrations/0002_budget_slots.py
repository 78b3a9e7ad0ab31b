"""Spending and the day rollup split into slots by worker (see programs.budget).

Existing data moves over: each program's spending is recomputed per slot from
its live records and the rest of a refusing budget shared out; the day
rollup is recomputed per slot from the live records.
"""

import django.db.models.deletion
from django.db import migrations, models

SLOTS = 8  # programs.models.SLOTS when this migration was written


def _shares(total, first):
    each, rest = divmod(total, SLOTS)
    return [each + (rest if slot == first else 0) for slot in range(SLOTS)]


def open_slots(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    BudgetSlot = apps.get_model("programs", "BudgetSlot")
    ServiceRecord = apps.get_model("programs", "ServiceRecord")
    for program in Program.objects.all():
        spent = [0] * SLOTS
        records = ServiceRecord.objects.filter(program=program, voided=False)
        for worker, fen in records.values_list("worker_id", "amount_fen"):
            spent[worker % SLOTS] += fen
        capped = program.budget_fen is not None and program.when_exhausted == "refuse"
        shares = _shares(max(program.budget_fen - sum(spent), 0), 0) if capped else [None] * SLOTS
        BudgetSlot.objects.bulk_create(
            BudgetSlot(
                program=program, slot=slot, spent_fen=spent[slot],
                allotted_fen=None if share is None else spent[slot] + share,
            )
            for slot, share in enumerate(shares)
        )


def split_days(apps, schema_editor):
    ProgramDaily = apps.get_model("programs", "ProgramDaily")
    ServiceRecord = apps.get_model("programs", "ServiceRecord")
    ProgramDaily.objects.all().delete()
    rows = {}
    records = ServiceRecord.objects.filter(voided=False).values_list(
        "program_id", "org_id", "org_path", "served_on", "worker_id", "amount_fen"
    )
    for program, org, path, day, worker, fen in records.iterator(chunk_size=10_000):
        key = (program, org, path, day, worker % SLOTS)
        times, total = rows.get(key, (0, 0))
        rows[key] = (times + 1, total + fen)
    ProgramDaily.objects.bulk_create(
        (
            ProgramDaily(
                program_id=program, org_id=org, org_path=path, day=day, slot=slot,
                person_times=times, amount_fen=fen,
            )
            for (program, org, path, day, slot), (times, fen) in rows.items()
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0002_henan_federations"),
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="BudgetSlot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("slot", models.PositiveSmallIntegerField()),
                ("allotted_fen", models.BigIntegerField(null=True)),
                ("spent_fen", models.BigIntegerField(default=0)),
                (
                    "program",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="budget_slots",
                        to="programs.program",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("program", "slot"), name="budget_slot_key"),
                    models.CheckConstraint(
                        condition=models.Q(("allotted_fen__isnull", True), ("spent_fen__lte", models.F("allotted_fen")), _connector="OR"),
                        name="budget_slot_within_allotment",
                    ),
                ],
            },
        ),
        migrations.RunPython(open_slots, migrations.RunPython.noop),
        migrations.RemoveField(model_name="program", name="spent_fen"),
        migrations.RemoveConstraint(model_name="programdaily", name="program_daily_key"),
        migrations.AddField(
            model_name="programdaily",
            name="slot",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name="programdaily",
            constraint=models.UniqueConstraint(
                fields=("program", "org", "day", "slot"), name="program_daily_slot_key"
            ),
        ),
        migrations.RunPython(split_days, migrations.RunPython.noop),
    ]
