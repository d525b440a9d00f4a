"""Working through many rows a slice at a time, with queries of bounded size."""

# Keeps `IN (...)` lookups well under SQLite's bound-parameter limit.
LOOKUP_CHUNK = 2000


def chunks(items, size):
    """``items`` in consecutive lists of at most ``size``."""
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]
