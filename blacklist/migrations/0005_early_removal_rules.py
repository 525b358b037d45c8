"""The early-removal rows of the rule table (Order 45 arts. 12-14): BL-EARLY-WAIT and BL-EARLY-DECISION, from
blacklist.reference_data.EARLY_RULES, like blacklist/0002."""
from django.db import migrations


def load(apps, schema_editor):
    from blacklist.reference_data import EARLY_RULES, RULES_FROM

    DeadlineRule = apps.get_model("casework", "DeadlineRule")
    for rule_id, n, unit, anchor, citation, desc in EARLY_RULES:
        DeadlineRule.objects.update_or_create(rule_id=rule_id, effective_from=RULES_FROM, defaults={
            "n": n, "unit": unit, "anchor_event": anchor, "citation": citation, "description": desc})


def unload(apps, schema_editor):
    from blacklist.reference_data import EARLY_RULES, RULES_FROM

    apps.get_model("casework", "DeadlineRule").objects.filter(
        rule_id__in=[r[0] for r in EARLY_RULES], effective_from=RULES_FROM).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('blacklist', '0004_early_removal'),
        ('casework', '0002_reference_data'),
    ]

    operations = [
        migrations.RunPython(load, unload),
    ]
