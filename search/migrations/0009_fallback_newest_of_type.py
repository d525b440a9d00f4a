"""The newest records of a document type first, for the database fallback.

``search_record_newest_of_type`` is ``search_record_newest`` (migration 0008)
behind the document type: a search filtered to one type (``NQ``, ``BC``)
walks that type's records newest first, where the date index alone walks
every record and keeps one in twenty, and the planner read and sorted all
of the type's records instead (7,400 blocks for a search of the city).

Only on PostgreSQL, guarded by the connection's vendor; on a large live
archive, make it beforehand with ``CREATE INDEX CONCURRENTLY`` under the
same name (``IF NOT EXISTS`` then skips it here).
"""

from django.db import migrations

NAME = "search_record_newest_of_type"
DEFINITION = "(document_type, date DESC NULLS LAST, object_id DESC, id DESC)"


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
        ("search", "0008_fallback_newest"),
    ]

    operations = [migrations.RunPython(create, drop)]
