"""Short name searches on PostgreSQL (bench/registry.py, docs/blacklist.md "Registry benchmark"). A trigram index
cannot serve a search of one or two characters — most Chinese brand names are two (宏达, 雪域) — so such a search read
every listing. ``registry_grams(name)`` is the set of the name's single characters and character pairs (upper-cased,
as ``icontains`` compares); a GIN index on it answers ``registry_grams(unit_name) @> ARRAY[q]`` for any one- or
two-character ``q`` exactly (blacklist.selectors._search). A plain SQL function: no extension needed. Other databases:
nothing to do."""
from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION registry_grams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT COALESCE(array_agg(DISTINCT g), '{}'::text[]) FROM (
        SELECT substr(upper(name), i, n) AS g
        FROM generate_series(1, 2) AS n, generate_series(1, char_length(name)) AS i
        WHERE i + n - 1 <= char_length(name)) grams
$$
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    schema_editor.execute("CREATE INDEX IF NOT EXISTS blacklist_listing_unit_name_grams "
                          "ON blacklist_listingdecision USING gin (registry_grams(unit_name))")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS blacklist_listing_unit_name_grams")
    schema_editor.execute("DROP FUNCTION IF EXISTS registry_grams(text)")


class Migration(migrations.Migration):

    dependencies = [("blacklist", "0009_registry_search_indexes")]

    operations = [migrations.RunPython(create, drop)]
