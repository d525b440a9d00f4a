"""Indexes for the database fallback on PostgreSQL (``search/database.py``).

- ``folded_words``: a stored generated column, the words of ``folded``
  (``strip(to_tsvector('simple', folded))``: the folded words themselves, no
  stemming, no positions), with the GIN index ``search_record_folded_words``.
  The fallback finds the records holding every word of a query through it.
  Stored, not an index on the expression: for a word in half the archive
  the planner rightly reads the rows instead of the index, and then it
  reads this column rather than splitting every record's text into words
  again (3 s for 10,000 records).
  A trigram index on ``folded`` was tried first: the trigrams of a short
  folded syllable ("  t", " th", "tho", "hoa", "oan", "ang") occur in nearly
  every record, so it returned most of the table to check again
  (docs/search.md, benchmark).
- ``search_record_folded_title_trgm`` and ``search_record_folded_number_trgm``:
  trigram GIN indexes (``pg_trgm``) for the ``LIKE`` tests on the short
  columns (autocomplete on titles, number matches).

Only on PostgreSQL: SQLite, ``make run``'s default, has none of these and
keeps scanning. Django's ``GinIndex`` in ``Meta.indexes`` would be created
on SQLite too, hence SQL here, guarded by the connection's vendor. The
column is not a model field: PostgreSQL fills it on every write.
``pg_trgm`` is a trusted extension: the database owner may create it.

Plain DDL inside the migration's transaction: adding the column rewrites the
table, and it blocks writes to the search records while it runs (seconds
for 20,000 records). On a large live archive, run it in a quiet hour; the
indexes can be made beforehand with ``CREATE INDEX CONCURRENTLY`` under the
same names (``IF NOT EXISTS`` then skips them here).
"""

from django.db import migrations

WORDS = "strip(to_tsvector('simple'::regconfig, folded))"
INDEXES = {
    "search_record_folded_words": "gin (folded_words)",
    "search_record_folded_title_trgm": "gin (folded_title gin_trgm_ops)",
    "search_record_folded_number_trgm": "gin (folded_number gin_trgm_ops)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "ALTER TABLE search_searchrecord ADD COLUMN IF NOT EXISTS folded_words tsvector "
        f"GENERATED ALWAYS AS ({WORDS}) STORED"
    )
    for name, method in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON search_searchrecord USING {method}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("ALTER TABLE search_searchrecord DROP COLUMN IF EXISTS folded_words")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_rebuild_run"),
    ]

    operations = [migrations.RunPython(create, drop)]
