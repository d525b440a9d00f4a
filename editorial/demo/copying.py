"""Rows written with PostgreSQL's ``COPY``, the fastest way in, for the demo's
hundreds of thousands of users and members; ``bulk_create`` elsewhere.

``copy_rows`` writes unsaved model instances the way ``bulk_create`` would
(field defaults and ``pre_save`` applied, values prepared for the database)
but sends them as one ``COPY ... FROM STDIN`` stream. It returns nothing: the
caller reads the new ids back by a unique column, as it must anyway on a
backend that returns no ids.
"""

from contextlib import contextmanager

from django.db import connection
from django.db.models.signals import post_delete, post_save
from modelsearch import index as search_index
from modelsearch.signal_handlers import post_delete_signal_handler, post_save_signal_handler
from wagtail.models import Page
from wagtail.signal_handlers import disable_reference_index_auto_update


def can_copy():
    """True on PostgreSQL (psycopg 3), where ``copy_rows`` works."""
    return connection.vendor == "postgresql"


def copy_rows(model, objs):
    """Insert ``objs`` (unsaved instances of ``model``) with one ``COPY``."""
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])


@contextmanager
def pages_not_indexed():
    """Pages saved inside are not sent to Wagtail's search backend nor to its
    reference index one by one (a unit's home and lists cost a dozen requests
    to OpenSearch each). ``manage.py update_index`` indexes them later.

    Signals are process-wide: for management commands only."""
    disconnected = []
    for model in search_index.get_indexed_models():
        if issubclass(model, Page):
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
