"""Working through many rows a slice at a time, with queries of bounded size,
and without per-row indexing."""

from contextlib import contextmanager

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
