"""Feed versions: what changed where, so that a listing's validator is its own.

A reader listing scoped to a unit (its feed, or its subtree) shows pages owned
by units at or below one path. Whenever what such a listing could show
changes, the change is stamped on the keys of the owning unit's path:

- ``unit:<path>``: the unit's own feed (its pages and those promoted into it);
- ``tree:<prefix>`` for each prefix of the path: the subtree feeds containing it;
- ``all``: every listing (unscoped listings read this one).

A change that has no one owner (a view restriction, a move, a unit home page)
stamps ``epoch`` and ``all``; every scoped listing reads ``epoch`` too. So a
publish in one district leaves the other districts' listings, their ETags and
the bodies cached under them, valid.

A key's version only grows, in the same transaction as the change it stamps:
a validator read after the change committed sees the new version.
"""

from functools import cache

from django.db import connection, models
from django.utils import timezone

from cms.prepared import Columns, prepared_cursor
from editorial.models.units import path_prefixes

EVERYTHING = "all"
EPOCH = "epoch"


class FeedVersion(models.Model):
    key = models.CharField(max_length=260, primary_key=True)
    version = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = "feed version"
        verbose_name_plural = "feed versions"

    def __str__(self):
        return f"{self.key}: {self.version}"


def unit_feed_keys(unit_path, *, subtree):
    """The keys a listing of a unit's feed (or subtree) reads."""
    return [f"{'tree' if subtree else 'unit'}:{unit_path}", EPOCH]


def stamp_keys(unit_paths):
    """The keys a change to pages owned at ``unit_paths`` stamps; an empty path
    (a page owned by no unit) stamps the epoch."""
    keys = {EVERYTHING}
    for path in unit_paths:
        if not path:
            keys.add(EPOCH)
            continue
        keys.add(f"unit:{path}")
        keys.update(f"tree:{prefix}" for prefix in path_prefixes(path))
    return sorted(keys)


def touch_feeds(unit_paths=(), *, everywhere=False):
    """Stamp a change to the pages owned at ``unit_paths`` (``everywhere``: to
    pages anywhere) in one statement. Keys are locked in sorted order, so two
    concurrent changes never deadlock on them."""
    keys = stamp_keys(set(unit_paths) | ({""} if everywhere else set()))
    quote = connection.ops.quote_name
    table = quote(FeedVersion._meta.db_table)
    rows = ", ".join(["(%s, 1, %s)"] * len(keys))
    now = timezone.now()
    params = [value for key in keys for value in (key, now)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quote('key')}, version, changed_at) VALUES {rows} "
            f"ON CONFLICT ({quote('key')}) DO UPDATE SET version = {table}.version + 1, "
            "changed_at = EXCLUDED.changed_at",
            params,
        )


@cache
def _version_columns():
    return Columns(FeedVersion, "f")


def feed_version(keys):
    """``(version, last_modified)`` of a listing reading ``keys``, in one query:
    each key's count and time of its last stamp (a key never stamped: 0), and
    the latest stamp. The time keeps a version unique when a rolled-back
    transaction (or a restored backup) takes a count back: a body cached
    under the earlier version is never served again."""
    found = dict.fromkeys(keys, (0, None))
    columns = _version_columns()
    key_column = connection.ops.quote_name("key")
    # Prepared: run on every listing request, planned once per number of keys.
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT {columns.sql} FROM {FeedVersion._meta.db_table} f"
            f" WHERE f.{key_column} IN ({', '.join(['%s'] * len(keys))})",
            list(keys),
        )
        rows = [columns.load(row)[0] for row in cursor.fetchall()]
    found.update((row.key, (row.version, row.changed_at)) for row in rows)
    stamps = [changed for _version, changed in found.values() if changed is not None]
    version = ".".join(
        f"{count}@{changed.timestamp():.6f}" if changed else "0"
        for count, changed in (found[key] for key in keys)
    )
    return version, max(stamps, default=None)
