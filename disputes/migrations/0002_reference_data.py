"""The disputes' rows of the rule table and their legal parameters (disputes.reference_data)."""
from django.db import migrations


def load(apps, schema_editor):
    from disputes.reference_data import load_rules

    load_rules(apps.get_model)


def unload(apps, schema_editor):
    from disputes.reference_data import PARAMS, RULES, RULES_FROM

    apps.get_model("casework", "DeadlineRule").objects.filter(
        rule_id__in=[r[0] for r in RULES], effective_from=RULES_FROM).delete()
    apps.get_model("casework", "LegalParameter").objects.filter(key__in=[p[0] for p in PARAMS]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('disputes', '0001_initial'),
        ('casework', '0002_reference_data'),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
