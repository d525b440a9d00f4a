"""The test province (``unit_tree``) built once and shared by the tests after
it, instead of once per test (its boards, home pages and sections cost about
a second each time, paid by some 800 tests).

The tree is made inside an outer transaction that stays open while the tests
that use it run one after another; each of them runs in a savepoint inside it
(pytest-django's ``db``: Django's ``TestCase`` atomics), so each still starts
from the same rows and leaves nothing behind. The outer transaction is rolled
back before any test that does not use the tree, that needs real commits
(``transaction=True``, ``live_server``), or whose module keeps a transaction
of its own open (a module-scoped fixture using ``django_db_blocker``); the
next test that uses the tree builds it again.

Each test gets fresh ``Unit`` objects read back from the database, so what a
test changes in memory does not reach the next.
"""

from types import SimpleNamespace

from django.db import transaction
from pytest_django.plugin import blocking_manager_key

from editorial.models import Unit

REAL_COMMITS = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def keeps_own_transaction(item):
    """Whether one of our fixtures wider than the test opens the database
    itself (pytest-django's own, such as ``django_db_setup``, do not count)."""
    for definitions in item._fixtureinfo.name2fixturedefs.values():
        definition = definitions[-1]
        if (
            definition.scope != "function"
            and "django_db_blocker" in definition.argnames
            and definition.func.__module__.startswith("tests.")
        ):
            return True
    return False


def needs_real_commits(item):
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool(REAL_COMMITS & set(item.fixturenames))


def mark_sharing(items):
    """Decide, once the tests are collected, which may share the tree: those
    using ``unit_tree`` in a savepoint, in a module where no fixture keeps a
    transaction of its own."""
    own = {item.module for item in items if keeps_own_transaction(item)}
    for item in items:
        item.shares_unit_tree = (
            "unit_tree" in item.fixturenames
            and item.module not in own
            and not needs_real_commits(item)
        )


class SharedUnitTree:
    def __init__(self):
        self.database_ready = False
        self.atomic = None
        self.unit_ids = None

    def open(self, config, build):
        if self.atomic is not None or not self.database_ready:
            return
        with config.stash[blocking_manager_key].unblock():
            self.atomic = transaction.atomic()
            # As Django's TestCase does: durable blocks in the code under test
            # may run inside it.
            self.atomic._from_testcase = True
            self.atomic.__enter__()
            try:
                tree = build()
            except BaseException:
                self.close(config)
                raise
        self.unit_ids = {name: unit.pk for name, unit in vars(tree).items()}

    def close(self, config):
        if self.atomic is None:
            return
        atomic, self.atomic, self.unit_ids = self.atomic, None, None
        with config.stash[blocking_manager_key].unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    def units(self):
        """Fresh objects for this test, or None when the tree is not shared now."""
        if self.unit_ids is None:
            return None
        found = Unit.objects.in_bulk(self.unit_ids.values())
        return SimpleNamespace(**{name: found[pk] for name, pk in self.unit_ids.items()})


SHARED = SharedUnitTree()
