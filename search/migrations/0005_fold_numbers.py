"""Numbers folded without their leading zeros in the database fallback's
columns (``search.text.fold_numbers``): the stored records are folded again
from their own title, number and texts, in place, so that "5/NQ-TU" finds
"05-NQ/TU" as soon as the release is migrated. The engine's index gained
``number_folded``: ``manage.py rebuild_search_index`` fills it (docs/search.md).
"""

from django.db import migrations

from search.text import folded_columns

BATCH = 1000


def refold(apps, schema_editor):
    SearchRecord = apps.get_model("search", "SearchRecord")
    rows = SearchRecord.objects.only("pk", "title", "number", "text", "attachment_text")
    batch = []
    for record in rows.order_by("pk").iterator(chunk_size=BATCH):
        columns = folded_columns(
            record.title, record.number, record.text, record.attachment_text
        )
        for name, value in columns.items():
            setattr(record, name, value)
        batch.append(record)
        if len(batch) == BATCH:
            SearchRecord.objects.bulk_update(batch, ["folded", "folded_title", "folded_number"])
            batch = []
    if batch:
        SearchRecord.objects.bulk_update(batch, ["folded", "folded_title", "folded_number"])


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_fallback_indexes"),
    ]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]
