"""Create the Henan federations from the GB/T 2260 table (python-stdnum)."""

from django.db import migrations


def create_federations(apps, schema_editor):
    from gonghui.orgs.divisions import henan_federations

    Org = apps.get_model("orgs", "Org")
    paths = {}
    for division in henan_federations():
        parent_path = paths.get(division.parent, "")
        path = f"{parent_path}{division.code}/"
        paths[division.code] = path
        Org.objects.update_or_create(
            code=division.code,
            defaults={
                "name": division.name,
                "kind": division.kind,
                "parent": Org.objects.get(code=division.parent) if division.parent else None,
                "path": path,
                "depth": path.count("/") - 1,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(create_federations, migrations.RunPython.noop)]
