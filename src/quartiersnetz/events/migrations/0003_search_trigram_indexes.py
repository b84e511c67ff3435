"""Trigram indexes for the calendar's text search, on PostgreSQL only.

filters.search() uses icontains, which Django writes as
UPPER(column::text) LIKE UPPER('%word%'); a trigram GIN index on the same
expression answers it without reading every event. The indexes need the pg_trgm
extension, so they are SQL here rather than Meta.indexes (SQLite has no pg_trgm).
"""

from django.db import migrations

SEARCHED_COLUMNS = {
    "title": "(title)::text",
    "teaser": "(teaser)::text",
    "description": "description",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column, expression in SEARCHED_COLUMNS.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS event_{column}_trgm ON events_event "
            f"USING gin (UPPER({expression}) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS event_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("events", "0002_listed_start_end_index")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
