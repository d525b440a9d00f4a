"""An engine outage is cheap: after a few failures searches skip the engine
and answer from the database at once, and the engine is used again when it
is back (search/outage.py).

The engine is the real OpenSearch node behind an address that a test makes
fail in two ways: nothing listens (connection refused), or a socket accepts
connections and never answers (each call waits for its timeout). Then a
relay on that same address forwards to the node: the engine is back.
"""

import contextlib
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.test import override_settings

from search import engine

from .conftest import ENGINE_URL

FAILURES_TO_OPEN = 3
RETRY_AFTER = 1.5
TIMEOUT = 0.5

pytestmark = pytest.mark.skipif(not ENGINE_URL, reason="OPENSEARCH_URL is not set")


def listening_socket(port=0):
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(64)
    return server


class Address:
    """A loopback address the engine is reached at: refused, silent or relayed."""

    def __init__(self):
        probe = listening_socket()
        self.port = probe.getsockname()[1]
        probe.close()  # nothing listens: connections are refused
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.connections = 0
        self.held = []

    def _serve(self, handle):
        self.server = listening_socket(self.port)
        server = self.server

        def accept():
            while True:
                try:
                    conn, _address = server.accept()
                except OSError:
                    return
                self.connections += 1
                handle(conn)

        threading.Thread(target=accept, daemon=True).start()

    def silent(self):
        """Accept every connection and never answer."""
        self._serve(self.held.append)

    def relay_to(self, url):
        """Forward every connection to ``url``: the engine is back."""
        upstream = urlsplit(url)

        def pump(source, target):
            try:
                while data := source.recv(65536):
                    target.sendall(data)
            except OSError:
                pass
            finally:
                for end in (source, target):
                    with contextlib.suppress(OSError):
                        end.shutdown(socket.SHUT_RDWR)

        def handle(conn):
            far = socket.create_connection((upstream.hostname, upstream.port))
            threading.Thread(target=pump, args=(conn, far), daemon=True).start()
            threading.Thread(target=pump, args=(far, conn), daemon=True).start()

        self._serve(handle)

    def close(self):
        if self.server is not None:
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the thread in accept()
            self.server.close()
            self.server = None
        for conn in self.held:
            conn.close()
        self.held = []


@pytest.fixture
def address():
    address = Address()
    yield address
    address.close()


def engine_at(url, corpus):
    return override_settings(
        SEARCH_ENGINE_URL=url,
        SEARCH_INDEX=corpus.index,
        SEARCH_ENGINE_TIMEOUT=TIMEOUT,
        SEARCH_ENGINE_FAILURES_TO_OPEN=FAILURES_TO_OPEN,
        SEARCH_ENGINE_RETRY_AFTER=RETRY_AFTER,
    )


def timed_search(client, q="chuyen doi so"):
    started = time.perf_counter()
    response = client.get("/api/search/", {"q": q})
    assert response.status_code == 200
    return response, time.perf_counter() - started


def expected_answer(client, corpus):
    with override_settings(SEARCH_ENGINE_URL=ENGINE_URL, SEARCH_INDEX=corpus.index):
        response, _seconds = timed_search(client)
    assert response["X-Search-Backend"] == "opensearch"
    return {hit["id"] for hit in response.json()["results"]}


@pytest.mark.parametrize("outage", ["refused", "silent"])
def test_searches_skip_a_failing_engine_and_use_it_again_when_it_is_back(
    client, corpus, db, address, outage
):
    found = expected_answer(client, corpus)
    if outage == "silent":
        address.silent()
    with engine_at(address.url, corpus):
        assert engine.breaker_state() == "closed"
        for _n in range(FAILURES_TO_OPEN):  # each tries the engine, then the database
            response, seconds = timed_search(client)
            assert response["X-Search-Backend"] == "database"
            assert {hit["id"] for hit in response.json()["results"]} == found
            if outage == "silent":
                assert seconds >= TIMEOUT  # it did wait for the engine
        assert engine.breaker_state() == "open"
        tried = address.connections
        assert tried == (FAILURES_TO_OPEN if outage == "silent" else 0)

        for _n in range(10):  # skipped: the database answers at once
            response, seconds = timed_search(client)
            assert response["X-Search-Backend"] == "database"
            assert {hit["id"] for hit in response.json()["results"]} == found
            assert seconds < 0.2, f"a search took {seconds:.3f} s while the breaker was open"
        assert address.connections == tried  # the engine was not called

        # Still down after the wait: one trial, then skipped again.
        time.sleep(RETRY_AFTER)
        assert engine.breaker_state() == "half_open"
        assert timed_search(client)[0]["X-Search-Backend"] == "database"
        assert engine.breaker_state() == "open"

        # The engine is back at the same address: used again after the wait.
        address.close()
        address.relay_to(ENGINE_URL)
        time.sleep(RETRY_AFTER)
        response, _seconds = timed_search(client)
        assert response["X-Search-Backend"] == "opensearch"
        assert {hit["id"] for hit in response.json()["results"]} == found
        assert engine.breaker_state() == "closed"
        assert timed_search(client)[0]["X-Search-Backend"] == "opensearch"


def test_an_open_breaker_keeps_outbox_changes_for_later(client, corpus, db, address):
    """The outbox does not wait on a failing engine either: its changes stay queued."""
    with engine_at(address.url, corpus):
        for _n in range(FAILURES_TO_OPEN):
            timed_search(client)
        with pytest.raises(engine.EngineSkipped):
            engine.apply([], ["page:0"], 1)


def test_a_refused_query_does_not_open_the_breaker(corpus, db):
    """A request the engine answers (here: an index that does not exist) is
    not an outage."""
    with engine_at(ENGINE_URL, corpus), override_settings(SEARCH_INDEX="stdv_test_missing"):
        for _n in range(FAILURES_TO_OPEN + 1):
            with pytest.raises(engine.EngineUnavailable):
                engine.suggest("chu", "", "vi")
        assert engine.breaker_state() == "closed"
