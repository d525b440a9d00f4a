"""The wait that ends a browser test (tests/live_server.py)."""

import psycopg
import pytest
from django.db import connection

from tests import live_server

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def request_left_running():
    """A session holding a lock inside an open transaction, as a live server's
    request still running when its test has ended."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's live server shares the test's connection")
    session = psycopg.connect(**connection.get_connection_params())
    session.execute("SELECT count(*) FROM editorial_unit")
    yield session
    session.close()


def test_a_request_still_running_is_ended_so_the_flush_cannot_deadlock(
    request_left_running, monkeypatch
):
    monkeypatch.setattr(live_server, "SETTLE_SECONDS", 0.2)
    assert live_server.other_busy_sessions() == [request_left_running.info.backend_pid]

    live_server.wait_for_requests_to_finish()

    with pytest.raises(psycopg.OperationalError):
        request_left_running.execute("SELECT 1")
    assert live_server.other_busy_sessions() == []


def test_a_finished_request_is_left_alone(request_left_running):
    request_left_running.commit()

    live_server.wait_for_requests_to_finish()

    assert request_left_running.execute("SELECT 1").fetchone() == (1,)
