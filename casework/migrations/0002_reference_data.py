from django.db import migrations


def forwards(apps, schema_editor):
    from casework.reference_data import load_all

    load_all(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial"), ("arrears", "0002_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
