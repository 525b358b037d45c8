"""PostgreSQL only: pg_trgm and a trigram index on the published unit name, for fuzzy and partial name search in
the public registry. If the extension cannot be created (no privilege), the registry falls back to plain
``icontains`` (blacklist.selectors.trigram_available); on other databases this migration does nothing."""
from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute("SAVEPOINT blacklist_trgm")
        try:
            cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:
            cur.execute("ROLLBACK TO SAVEPOINT blacklist_trgm")
            return
        cur.execute("RELEASE SAVEPOINT blacklist_trgm")
        cur.execute("CREATE INDEX IF NOT EXISTS blacklist_listing_unit_name_trgm "
                    "ON blacklist_listingdecision USING gin (unit_name gin_trgm_ops)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS blacklist_listing_unit_name_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ('blacklist', '0002_deadline_rules'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
