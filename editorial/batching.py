"""Working through many rows a slice at a time, with queries of bounded size,
and without per-row indexing; writing them with PostgreSQL's ``COPY``."""

from contextlib import contextmanager

from django.db import connection
from django.db.models.signals import post_delete, post_save
from modelsearch import index as search_index
from modelsearch.signal_handlers import post_delete_signal_handler, post_save_signal_handler
from wagtail.models import Page
from wagtail.signal_handlers import disable_reference_index_auto_update

# Keeps `IN (...)` lookups well under SQLite's bound-parameter limit.
LOOKUP_CHUNK = 2000


def chunks(items, size):
    """``items`` in consecutive lists of at most ``size``."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


@contextmanager
def indexing_paused(*models):
    """Pages (and ``models``) saved inside are not sent to Wagtail's search
    backend nor to its reference index one by one; the caller indexes them
    afterwards (a queued task, ``manage.py update_index``).

    Signals are process-wide: for management commands, not web workers."""
    disconnected = []
    for model in search_index.get_indexed_models():
        if issubclass(model, Page) or model in models:
            for signal, handler in (
                (post_save, post_save_signal_handler),
                (post_delete, post_delete_signal_handler),
            ):
                if signal.disconnect(handler, sender=model):
                    disconnected.append((signal, handler, model))
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        for signal, handler, model in disconnected:
            signal.connect(handler, sender=model)


def can_copy():
    """True on PostgreSQL (psycopg 3), where ``copy_rows`` works."""
    return connection.vendor == "postgresql"


def insertable_fields(model):
    """The columns an INSERT of ``model``'s own table writes: not an
    auto-incremented id, not a generated column."""
    meta = model._meta
    return [
        f
        for f in meta.local_concrete_fields
        if f is not meta.auto_field and not getattr(f, "generated", False)
    ]


def copy_rows(model, objs, fields=None, *, allocate_ids=False):
    """Insert ``objs`` (unsaved instances) into ``model``'s own table with one
    ``COPY ... FROM STDIN``, the fastest way in: values prepared as
    ``bulk_create`` prepares them (defaults, ``pre_save``), without building
    and parsing a statement of thousands of parameters.

    ``allocate_ids`` first takes ids from the table's sequence, sets them on
    the objects and writes them; otherwise the caller reads new ids back by a
    unique column, or has set the primary key itself (a page type's row)."""
    objs = list(objs)
    if not objs:
        return
    meta = model._meta
    fields = list(insertable_fields(model) if fields is None else fields)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if allocate_ids:
            pk = meta.pk
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(objs)],
            )
            for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
                setattr(obj, pk.attname, value)
            fields = [pk, *(f for f in fields if f is not pk)]
        columns = ", ".join(quote(f.column) for f in fields)
        sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for obj in objs:
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
                )
