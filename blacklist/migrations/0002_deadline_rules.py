"""The blacklist's rows of the rule table (Order 45), loaded like casework/0002 (blacklist.reference_data)."""
from django.db import migrations


def load(apps, schema_editor):
    from blacklist.reference_data import load_rules

    load_rules(apps.get_model)


def unload(apps, schema_editor):
    from blacklist.reference_data import RULES, RULES_FROM

    apps.get_model("casework", "DeadlineRule").objects.filter(
        rule_id__in=[r[0] for r in RULES], effective_from=RULES_FROM).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('blacklist', '0001_listing_and_entries'),
        ('casework', '0002_reference_data'),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
