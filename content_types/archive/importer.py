"""The archive import: check a whole file, then write it in one transaction."""

import time
from contextlib import contextmanager
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from modelsearch.tasks import insert_or_update_object_task
from tqdm import tqdm
from wagtail.documents import get_document_model

from editorial.batching import indexing_paused
from editorial.imports.reading import ImportResult

from ..tasks import (
    deferred_file_reading,
    extract_attachment_text,
    index_pages,
    update_page_references,
)
from .context import Context, provide_listings
from .items import build_item
from .matching import check_matches, find_changes, load_matched_pages
from .reading import read_lines
from .writing import ArchiveWriter


class ArchiveImporter:
    """Import one JSONL file of news items and documents.

    ``validate()`` checks every line and returns the errors; when there are
    none, ``result`` says what would be created, updated (with the fields
    that change) or left unchanged, and ``apply()`` writes it all or nothing.
    Search indexing, reference indexing and reading attached files are queued
    as background tasks once the transaction has committed.
    """

    def __init__(self, path, *, publish=False, progress_file=None):
        self.path = Path(path)
        self.publish = publish
        self.progress_file = progress_file
        self.errors = None
        self.result = None
        self.items = []
        self.page_ids = []
        self.timings = {}

    def validate(self):
        started = time.perf_counter()
        lines, errors = read_lines(self.path)
        context = Context(lines, self.path.parent)
        items = []
        for line in self.progress(lines, _("Checking")):
            item, line_errors = build_item(line, context)
            errors.extend(line_errors)
            if item is not None:
                items.append(item)
        errors.extend(check_matches(items))
        self.errors = sorted(errors, key=lambda error: error.line)
        if not self.errors:
            load_matched_pages(items)
            find_changes(items, publish=self.publish)
            self.items = items
            self.result = self._result(items)
        self.timings["check"] = time.perf_counter() - started
        return self.errors

    def apply(self):
        """Write the checked file in one transaction; return the ImportResult."""
        if self.errors is None:
            self.validate()
        if self.errors:
            raise ValueError("apply() called on a file with errors")
        started = time.perf_counter()
        writer = ArchiveWriter(self.items, publish=self.publish, progress=self.progress)
        try:
            with transaction.atomic(), deferred_indexing():
                provide_listings(writer.created)
                self.page_ids = writer.write()
                transaction.on_commit(
                    lambda: queue_background_work(self.page_ids, writer.new_document_ids)
                )
        except BaseException:
            writer.remove_stored_files()
            raise
        self.timings["write"] = time.perf_counter() - started
        return self.result

    @property
    def item_count(self):
        return len(self.items)

    def progress(self, items, desc=""):
        if self.progress_file is None or not items:
            return items
        return tqdm(items, desc=desc, file=self.progress_file, leave=False)

    def _result(self, items):
        result = ImportResult()
        for item in items:
            if item.match is None:
                result.created.append(item.label)
            elif item.changes:
                result.updated[item.label] = item.changes
            else:
                result.unchanged.append(item.label)
        return result


def queue_background_work(page_ids, document_ids):
    """What the import left for later: search and reference indexing of the
    pages, reading and indexing the new files."""
    if page_ids:
        index_pages.enqueue(list(page_ids))
        update_page_references.enqueue(list(page_ids))
    meta = get_document_model()._meta
    for pk in document_ids:
        extract_attachment_text.enqueue(pk)
        insert_or_update_object_task.enqueue(meta.app_label, meta.model_name, str(pk))


@contextmanager
def deferred_indexing():
    """Keep per-object work out of a bulk write: Wagtail's search index and
    reference index updates and our file reading run on save signals, which
    the writer's bulk queries mostly do not send; any save that does is
    covered here too, and the caller queues the work for after the commit.

    Wagtail's search index handlers are disconnected, and signals are
    process-wide: meant for a management command, not a web worker.
    """
    with indexing_paused(get_document_model()), deferred_file_reading():
        yield
