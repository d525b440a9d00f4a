"""An index of the users who edited pages, for the explorer's "Edited by"
filter (PostgreSQL).

Wagtail offers as choices every user found in the page log with
``action = 'wagtail.edit'``: a ``DISTINCT`` over every edit ever logged, which
grows with each save of each page. With the edits' users indexed on their own,
``editorial.explorer`` steps through them, one probe per editor.
"""

from django.db import migrations

INDEX = "editorial_page_editors_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
            "ON wagtailcore_pagelogentry (user_id) WHERE action = 'wagtail.edit'"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("editorial", "0003_page_children_index")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
