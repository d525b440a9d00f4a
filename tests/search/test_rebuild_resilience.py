"""A rebuild survives a slow node and resumes where it stopped (search/index_admin.py,
search/rebuild.py), on the real OpenSearch.

The slow node is the real one behind a small TCP proxy that holds back the
answer to every ``_refresh`` request: the refresh itself is done at once,
the client only hears of it late, as from a node busy refreshing 100,000
documents.
"""

import contextlib
import io
import logging
import re
import socket
import threading
import time
import urllib.parse
import uuid

import pytest
from django.core.management import call_command
from django.test import override_settings

from search import engine, outbox
from search.models import IndexChange, RebuildRun, SearchRecord
from search.rebuild import rebuild

from .conftest import ENGINE_URL, drop_index, publish_news, unique_index

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not ENGINE_URL, reason="needs OPENSEARCH_URL"),
]

REFRESH_REQUEST = re.compile(rb"^[A-Z]+ \S*/_refresh[ ?]")


class SlowRefreshProxy:
    """Forwards bytes to the engine; the answer to a ``_refresh`` request is
    held back ``delay`` seconds. Counts the refreshes it delayed."""

    def __init__(self, target, delay):
        parsed = urllib.parse.urlsplit(target)
        self.target = (parsed.hostname, parsed.port)
        self.delay = delay
        self.delayed = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                downstream, _address = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            refreshing = threading.Event()
            threading.Thread(
                target=self._requests, args=(downstream, upstream, refreshing), daemon=True
            ).start()
            threading.Thread(
                target=self._answers, args=(upstream, downstream, refreshing), daemon=True
            ).start()

    def _requests(self, source, sink, refreshing):
        self._pump(source, sink, lambda data: REFRESH_REQUEST.match(data) and refreshing.set())

    def _answers(self, source, sink, refreshing):
        def hold(_data):
            if refreshing.is_set():
                refreshing.clear()
                self.delayed += 1
                time.sleep(self.delay)

        self._pump(source, sink, hold)

    @staticmethod
    def _pump(source, sink, before_forwarding):
        try:
            while data := source.recv(65536):
                before_forwarding(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self):
        self.closed = True
        self.listener.close()


@pytest.fixture
def alias():
    name = unique_index()
    yield name
    drop_index(name)


def behind(proxy, alias, **timeouts):
    """Settings for searching and rebuilding through ``proxy``."""
    return override_settings(
        SEARCH_ENGINE_URL=proxy.url if proxy else ENGINE_URL,
        SEARCH_INDEX=alias,
        SEARCH_ENGINE_REFRESH=True,
        SEARCH_ENGINE_ADMIN_BACKOFF=0.1,
        **timeouts,
    )


def indexes_of(alias):
    """Every index of ``alias``'s rebuilds, and the one the alias points at."""
    es = engine._client(ENGINE_URL)
    names = sorted(es.indices.get(index=f"{alias}_*", expand_wildcards="all"))
    try:
        current = list(es.indices.get_alias(name=alias))
    except Exception:
        current = []
    return names, current


def indexed_titles(alias):
    es = engine._client(ENGINE_URL)
    es.indices.refresh(index=alias)
    hits = es.search(index=alias, body={"size": 1000, "query": {"match_all": {}}})
    return sorted(hit["_source"]["title"] for hit in hits["hits"]["hits"])


def several_news(unit, count, prefix="Tin"):
    return [publish_news(unit, f"{prefix} số {n} {uuid.uuid4().hex[:6]}") for n in range(count)]


def test_a_refresh_slower_than_the_search_timeout_does_not_fail_the_rebuild(unit_tree, alias):
    news = several_news(unit_tree.district, 3)
    proxy = SlowRefreshProxy(ENGINE_URL, delay=2.5)
    try:
        # Searches give up after 1 s; index administration has 20 s.
        with behind(proxy, alias, SEARCH_ENGINE_TIMEOUT=1, SEARCH_ENGINE_ADMIN_TIMEOUT=20):
            call_command("rebuild_search_index", verbosity=0)
    finally:
        proxy.close()
    assert proxy.delayed >= 1  # the rebuild's refresh did take longer than a search may
    names, current = indexes_of(alias)
    assert current == names and len(names) == 1
    assert indexed_titles(alias) == sorted(n.title for n in news)
    assert RebuildRun.objects.get(index=names[0]).status == RebuildRun.Status.FINISHED


def test_a_refresh_that_keeps_timing_out_is_waited_for(unit_tree, alias, caplog):
    news = several_news(unit_tree.district, 3)
    proxy = SlowRefreshProxy(ENGINE_URL, delay=4)
    caplog.set_level(logging.WARNING, logger="search")
    try:
        # Even index administration gives up after 1 s, twice: the rebuild
        # then waits for the index to refresh by itself.
        with behind(
            proxy,
            alias,
            SEARCH_ENGINE_TIMEOUT=1,
            SEARCH_ENGINE_ADMIN_TIMEOUT=1,
            SEARCH_ENGINE_ADMIN_RETRIES=1,
        ):
            report = rebuild()
    finally:
        proxy.close()
    assert proxy.delayed == 2
    assert "try 2 of 2" in caplog.text  # the operator sees the retry in the log
    assert "refresh by itself" in caplog.text
    _names, current = indexes_of(alias)
    assert current == [report.index]
    assert indexed_titles(alias) == sorted(n.title for n in news)


class Interrupted(Exception):
    pass


def interrupt_after(items):
    seen = []

    def progress(count):
        seen.append(count)
        if sum(seen) >= items:
            raise Interrupted

    return progress


def test_an_interrupted_rebuild_resumes_into_the_same_index(unit_tree, alias):
    with behind(None, alias):
        first = several_news(unit_tree.district, 2, prefix="Cũ")
        rebuild()  # the alias has an index, which searches use meanwhile
        _names, (old_index,) = indexes_of(alias)
        loaded = several_news(unit_tree.district, 6, prefix="Mới")
        IndexChange.objects.all().delete()  # as if a worker had applied them
        with pytest.raises(Interrupted):
            rebuild(batch=2, progress=interrupt_after(4))
        run = RebuildRun.objects.get(status=RebuildRun.Status.FAILED)
        assert run.items_done == 2 and run.last_key
        # Searches still read the old, complete index.
        assert indexes_of(alias)[1] == [old_index]

        # While it is interrupted: an item it had loaded changes (a worker
        # applies the change at once), and a new one waits in the outbox.
        changed = loaded[0]
        assert engine._client(ENGINE_URL).exists(index=run.index, id=f"page:{changed.pk}")
        changed.title = "Mới sửa trong lúc dựng lại"
        changed.save_revision().publish()
        assert outbox.process()[1] == 0
        late = publish_news(unit_tree.district, "Đăng trong lúc dựng lại dở")
        assert IndexChange.objects.exists()

        out = io.StringIO()
        call_command("rebuild_search_index", verbosity=0, stdout=out)
    assert "resumed an interrupted rebuild after 2 items" in out.getvalue()

    names, current = indexes_of(alias)
    assert names == current == [run.index]  # resumed: no second index, the old one dropped
    run.refresh_from_db()
    assert run.status == RebuildRun.Status.FINISHED
    titles = [*(n.title for n in first), *(n.title for n in loaded[1:])]
    expected = sorted([*titles, "Mới sửa trong lúc dựng lại", late.title])
    assert indexed_titles(alias) == expected
    assert SearchRecord.objects.count() == len(expected)
    assert IndexChange.objects.count() == 0


def test_a_fresh_rebuild_drops_the_interrupted_one(unit_tree, alias):
    with behind(None, alias):
        news = several_news(unit_tree.district, 4)
        with pytest.raises(Interrupted):
            rebuild(batch=2, progress=interrupt_after(2))
        abandoned = RebuildRun.objects.get().index
        report = rebuild(fresh=True)
    names, current = indexes_of(alias)
    assert names == current == [report.index] != [abandoned]
    assert RebuildRun.objects.get(index=abandoned).status == RebuildRun.Status.ABANDONED
    assert indexed_titles(alias) == sorted(n.title for n in news)
