"""Create the Henan federations from the GB/T 2260 table (python-stdnum)."""

from django.db import migrations


def create_federations(apps, schema_editor):
    from gonghui.orgs.divisions import create_federations as create

    create(apps.get_model("orgs", "Org"))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(create_federations, migrations.RunPython.noop)]
