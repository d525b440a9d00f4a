"""The newest records first, for the database fallback (``search/database.py``).

``search_record_newest`` orders the records as a search ranks them within a
tier: date (newest first, none last), then object id and record id. A search
for a word in most of the archive takes its first page from the newest
matches of each tier: PostgreSQL walks this index and stops once it has
them, instead of reading and sorting every match.

Only on PostgreSQL (SQLite, ``make run``'s default, keeps scanning), guarded
by the connection's vendor. Plain DDL: on a large live archive, make it
beforehand with ``CREATE INDEX CONCURRENTLY`` under the same name
(``IF NOT EXISTS`` then skips it here).
"""

from django.db import migrations

NAME = "search_record_newest"
DEFINITION = "(date DESC NULLS LAST, object_id DESC, id DESC)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON search_searchrecord {DEFINITION}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0007_cheaper_phrase_pairs"),
    ]

    operations = [migrations.RunPython(create, drop)]
