from django.db import migrations, models

# What the database file holds in clear must leave 10,000 candidate ID numbers
# (core.disclosure): the birth year instead of the date, no county, the mask cut to the
# first 4 and the check digit. The old mask kept the last 4, so no key is needed.


def convert(apps, schema_editor):
    Worker = apps.get_model("members", "Worker")
    batch = []
    for worker in Worker.objects.only("id", "id_masked", "birth_date").iterator(chunk_size=2000):
        worker.birth_year = worker.birth_date.year
        worker.id_masked = worker.id_masked[:4] + "*" * 13 + worker.id_masked[-1:]
        batch.append(worker)
        if len(batch) == 2000:
            Worker.objects.bulk_update(batch, ["birth_year", "id_masked"])
            batch = []
    Worker.objects.bulk_update(batch, ["birth_year", "id_masked"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0002_outdoor_worker_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="worker",
            name="birth_year",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="出生年份"),
            preserve_default=False,
        ),
        migrations.RunPython(convert, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="worker", name="birth_date"),
        migrations.RemoveField(model_name="worker", name="birth_region_code"),
        migrations.RemoveField(model_name="worker", name="birth_region_name"),
        migrations.RemoveField(model_name="worker", name="id_last4"),
    ]
