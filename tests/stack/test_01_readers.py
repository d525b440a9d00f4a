"""Scenario 1: 200 concurrent readers for 60 s through nginx, no error."""

from .conftest import readers_load, record

READERS = 200
SECONDS = 60
MAX_REQUESTS = 60_000  # a bound far above what two servers answer in a minute


def test_200_readers_for_a_minute_get_no_error(stack, reader_paths):
    result = readers_load(
        stack, reader_paths, readers=READERS, seconds=SECONDS, max_requests=MAX_REQUESTS
    )
    figures = result.summary()
    record("1. 200 readers for 60 s", {"readers": READERS, **figures})
    assert result.failures == []
    assert set(result.statuses) == {200}
    assert result.requests > READERS  # every reader was answered, more than once
