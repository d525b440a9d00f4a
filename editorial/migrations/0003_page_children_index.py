"""An index for "the children of a page" on Wagtail's page table (PostgreSQL).

Wagtail asks for a page's children as ``depth = d + 1 AND path LIKE 'P%'``.
Its own indexes hold the path alone, so at city scale the explorer of a
district's home page read the whole district subtree (8,376 pages, about as
many table blocks, since its news were written among every other unit's) to
find its 53 children: 20 to 35 ms for the count and as much again for the
rows. With depth first the same query reads the 53 entries.

``CONCURRENTLY``: a live site keeps writing pages while the index is built.
Other databases (SQLite for ``make run``) keep Wagtail's indexes only.
"""

from django.db import migrations

INDEX = "editorial_page_children_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} "
            "ON wagtailcore_page (depth, path varchar_pattern_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("editorial", "0002_default_groups_grant_nothing"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
