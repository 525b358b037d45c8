from django.db import migrations


def forwards(apps, schema_editor):
    from arrears.reference_data_projects import load_project_reference

    load_project_reference(apps.get_model)


class Migration(migrations.Migration):
    dependencies = [("arrears", "0004_construction_safeguards"), ("casework", "0007_complaint_project_ex_officio")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
