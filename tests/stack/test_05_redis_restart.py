"""Scenario 5: Redis restarted under load: no 500s, and the sign-in
throttle counts again afterwards (429 after API_SIGN_IN_RATE, 10 a minute)."""

import asyncio
import signal
import time

from .conftest import post_json, readers_load, record
from .topology import wait_until

READERS = 50
SECONDS = 20


def test_a_redis_restart_costs_no_error_and_the_throttle_resumes(stack, reader_paths):
    timeline = {}

    async def restart_redis():
        await asyncio.sleep(5)
        stack.processes["redis"].kill(signal.SIGKILL)
        timeline["down"] = time.monotonic()
        await asyncio.sleep(5)
        stack.processes["redis"].stop()
        stack.start_redis()
        timeline["up"] = time.monotonic()

    result = readers_load(
        stack, reader_paths, readers=READERS, seconds=SECONDS, during=restart_redis
    )
    wait_until(stack.redis_up, 10, "Redis")
    time.sleep(3)  # the cache tries Redis again REDIS_RETRY_AFTER (2 s here) after a failure
    statuses = [
        post_json(
            stack, "/api/auth/token/", {"username": f"khach-{n}", "password": "doan-sai"}
        ).status
        for n in range(11)
    ]
    keys = stack.redis_command("DBSIZE")
    record(
        "5. Redis restarted under load",
        {
            "readers": READERS,
            **result.summary(),
            "Redis down (s)": round(timeline["up"] - timeline["down"], 1),
            "sign-in attempts after the restart": statuses,
            "keys in Redis afterwards": keys,
        },
    )
    assert result.failures == []
    assert set(result.statuses) == {200}
    assert statuses == [400] * 10 + [429]
