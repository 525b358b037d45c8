from django.db import migrations


def forwards(apps, schema_editor):
    from arrears.reference_data_projects import load_settlement_reference

    load_settlement_reference(apps.get_model)


class Migration(migrations.Migration):
    """The rule rows of completion and settlement (PROJ-SETTLE-NOTICE, PROJ-ROSTER-KEEP): new rows only."""

    dependencies = [("arrears", "0007_project_settlement"), ("casework", "0011_project_settled_on")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
