"""Scenario 2: ``kill -9`` of one gunicorn (master and workers) under load.

nginx tries an idempotent request that fails on one server on the other
(``proxy_next_upstream``), so readers should see no error at all; the bound
asserted is the requests that can be in flight when the server dies, one per
reader (each reader waits for its answer before asking again).
"""

import asyncio
import signal
import time

from .conftest import readers_load, record

READERS = 100
SECONDS = 20
KILL_AFTER = 5


def test_a_killed_gunicorn_fails_over_to_the_other(stack, reader_paths):
    killed = {}

    async def kill_one_server():
        await asyncio.sleep(KILL_AFTER)
        killed["at"] = time.monotonic()
        stack.processes["web1"].kill(signal.SIGKILL)

    result = readers_load(
        stack, reader_paths, readers=READERS, seconds=SECONDS, during=kill_one_server
    )
    after_kill = killed["at"] - result.started
    served_after = sum(1 for when, *_ in result.failures if when >= after_kill)
    stack.processes["web1"].stop()
    restarted = time.monotonic()
    stack.start_web(1)
    stack.wait_for_web(1)
    figures = result.summary()
    record(
        "2. kill -9 of one gunicorn under load",
        {
            "readers": READERS,
            **figures,
            "killed at (s)": round(after_kill, 1),
            "errors after the kill": served_after,
            "in flight bound": READERS,
            "restart of the killed server (s)": round(time.monotonic() - restarted, 1),
        },
    )
    assert not stack.processes["web2"].popen.poll()  # the other server lived on
    assert result.errors <= READERS, result.failures[:10]
    assert result.statuses[200] > READERS
