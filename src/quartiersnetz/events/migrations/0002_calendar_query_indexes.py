"""Indexes for the public calendar's range queries and its text search (found by make bench).

Written as SQL, not as Meta.indexes: the trigram indexes need PostgreSQL's pg_trgm
extension and the project also runs on SQLite. The migration state stays unchanged,
so makemigrations proposes nothing. The SQL follows the queries it serves; keep them
in step:

- occurrence_listed_start_end serves domain.occurrences_between() on
  domain.listed_occurrences(): the range scan on start from EVENTS_MAX_DURATION_DAYS
  before the window checks "end" inside the index, for public dates only, instead of
  fetching every row of the last 92 days from the table.
- event_*_trgm serve filters.search(): Django's icontains is
  UPPER(column::text) LIKE UPPER('%word%'), which a trigram index on the same
  expression answers without reading every event.
"""

from django.db import migrations

LISTED_START_END = (
    'CREATE INDEX IF NOT EXISTS occurrence_listed_start_end ON events_occurrence (start, "end") '
    "WHERE status IN ('published', 'cancelled', 'postponed') AND visibility = 'public'"
)
SEARCHED_COLUMNS = {
    "title": "(title)::text",
    "teaser": "(teaser)::text",
    "description": "description",
}


def create_indexes(apps, schema_editor):
    execute = schema_editor.execute
    execute(LISTED_START_END)
    if schema_editor.connection.vendor != "postgresql":
        return
    execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column, expression in SEARCHED_COLUMNS.items():
        execute(
            f"CREATE INDEX IF NOT EXISTS event_{column}_trgm ON events_event "
            f"USING gin (UPPER({expression}) gin_trgm_ops)"
        )
    # The planner estimates LIKE on an indexed expression from its statistics.
    execute("ANALYZE events_event")


def drop_indexes(apps, schema_editor):
    execute = schema_editor.execute
    execute("DROP INDEX IF EXISTS occurrence_listed_start_end")
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCHED_COLUMNS:
        execute(f"DROP INDEX IF EXISTS event_{column}_trgm")
    # pg_trgm stays: other objects in the database may use it.


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
