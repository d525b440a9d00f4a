"""Quoted phrases through an index in the database fallback on PostgreSQL
(``search/database.py``).

- ``folded_pairs``: a stored generated column, every pair of neighbouring
  words of ``folded`` joined by ``_`` (`` chuyen doi so `` holds
  ``chuyen_doi`` and ``doi_so``) as a ``tsvector`` without positions, with the
  GIN index ``search_record_folded_pairs``. A phrase of two words is then one
  index lookup, exactly as ``folded LIKE '% chuyen doi %'``: words never hold
  ``_`` (``search.text``). Before, each record holding both words had its
  folded text read to check the phrase (200 to 290 ms for two common words).
  Not a positional ``tsvector`` (``phraseto_tsquery``): PostgreSQL keeps at
  most 255 positions of a word and none past 16,383, so a phrase in a long
  text could be missed.
- Words are cut to 100 characters first (a ``tsvector`` word holds at most
  2,047 bytes; a query with a word that long checks the text instead), and
  a record over 200,000 bytes of folded text gets no pairs (NULL: a
  ``tsvector`` holds at most 1 MB): phrases are checked in its text, found
  through the partial index ``search_record_without_pairs``.
- ``folded_words`` (migration 0004) is kept in the row (``STORAGE MAIN``)
  rather than in the TOAST table when the row allows: for a word in half the
  records the planner reads the rows and checks the words there, and
  fetching each record's words from the TOAST table tripled the pages read.
  The column rewrite below stores the existing rows so.

Only on PostgreSQL, guarded by the connection's vendor: SQLite keeps its
``LIKE`` scans. Adding the column rewrites the table and blocks writes to the
search records while it runs, as migration 0004 did; the index can be made
beforehand with ``CREATE INDEX CONCURRENTLY`` under the same name.
"""

from django.db import migrations

# Each word of ``folded`` cut to 100 characters.
CUT = r"regexp_replace(folded, '([^ ]{100})[^ ]+', '\1', 'g')"
# " a b c d " -> " a_b c_d " and " b c d " -> " b_c d ": every neighbouring pair
# once, and at most two single words, which no query looks up.
ODD = rf"regexp_replace({CUT}, ' ([^ ]+) ([^ ]+)', ' \1_\2', 'g')"
EVEN = rf"regexp_replace(regexp_replace({CUT}, '^ [^ ]+', ''), ' ([^ ]+) ([^ ]+)', ' \1_\2', 'g')"
PAIRS = (
    "CASE WHEN octet_length(folded) <= 200000 THEN "
    f"array_to_tsvector(array_remove(string_to_array({ODD} || {EVEN}, ' '), '')) END"
)
INDEXES = {
    "search_record_folded_pairs": "USING gin (folded_pairs)",
    "search_record_without_pairs": "(id) WHERE folded_pairs IS NULL",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE search_searchrecord ALTER COLUMN folded_words SET STORAGE MAIN"
    )
    schema_editor.execute(
        "ALTER TABLE search_searchrecord ADD COLUMN IF NOT EXISTS folded_pairs tsvector "
        f"GENERATED ALWAYS AS ({PAIRS}) STORED"
    )
    for name, definition in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON search_searchrecord {definition}"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("ALTER TABLE search_searchrecord DROP COLUMN IF EXISTS folded_pairs")
    schema_editor.execute(
        "ALTER TABLE search_searchrecord ALTER COLUMN folded_words SET STORAGE EXTENDED"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_fold_numbers"),
    ]

    operations = [migrations.RunPython(create, drop)]
