"""The shared cache on a real Redis (cms/cache.py): used when Redis is up,
and an outage (stopped, or hung) costs misses, never errors nor long waits.

A redis-server of the module's own runs on a free loopback port, with no
persistence, so a test can stop it (its keys are gone, as after a crash) and
start it again on the same port. scripts/test-services.sh installs it.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis
from django.test import Client, override_settings

from content_types.factories import publish_news

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
KEY_PREFIX = "stdv-test"
RETRY_AFTER = 0.5  # seconds Redis is skipped after failures (the breaker)
TOKEN_URL = "/api/auth/token/"
NEWS = {"type": "content_types.NewsArticle"}

pytestmark = pytest.mark.skipif(
    not os.path.exists(REDIS_SERVER),
    reason="redis-server is not installed (scripts/test-services.sh installs it)",
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server process that a test can stop, start and pause."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                if redis.Redis.from_url(self.url, socket_timeout=0.5).ping():
                    return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self):
        self.process.terminate()
        self.process.wait(10)

    def pause(self):
        """The process stays, holds its port, and answers nothing: calls time out."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def stored_keys(self):
        return [key.decode() for key in redis.Redis.from_url(self.url).keys(f"{KEY_PREFIX}:*")]


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.resume()
    server.stop()


@pytest.fixture
def redis_cache(redis_server):
    """The default cache on the module's Redis, started and emptied."""
    if redis_server.process.poll() is not None:
        redis_server.start()
    redis.Redis.from_url(redis_server.url).flushdb()
    caches = {
        "default": {
            "BACKEND": "cms.cache.DegradingRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": KEY_PREFIX,
            "OPTIONS": {"RETRY_AFTER": RETRY_AFTER},
        }
    }
    with override_settings(CACHES=caches):  # Django makes new cache connections
        yield redis_server


@pytest.fixture
def news(unit_tree):
    return [publish_news(unit_tree.grassroots, f"Tin số {n}") for n in range(3)]


def timed_get(client, url, params=None):
    started = time.perf_counter()
    response = client.get(url, params or {})
    return response, time.perf_counter() - started


def test_api_bodies_are_kept_in_redis(redis_cache, news):
    client = Client()
    assert not [key for key in redis_cache.stored_keys() if "api-body" in key]
    assert client.get("/api/v2/pages/", NEWS).status_code == 200
    assert client.get(f"/api/v2/pages/{news[0].pk}/").status_code == 200
    assert len([key for key in redis_cache.stored_keys() if "api-body" in key]) == 2


@pytest.mark.parametrize("outage", ["stopped", "paused"])
def test_listings_and_pages_answer_quickly_while_redis_is_down(redis_cache, news, outage):
    """Stopped: connections are refused. Paused: Redis holds its port and
    never answers, so each call would wait its timeout but for the breaker."""
    client = Client()
    urls = [("/api/v2/pages/", NEWS), (f"/api/v2/pages/{news[1].pk}/", None)]
    expected = {url: client.get(url, params).json() for url, params in urls}
    redis_cache.stop() if outage == "stopped" else redis_cache.pause()
    try:
        for _round in range(5):
            for url, params in urls:
                response, seconds = timed_get(client, url, params)
                assert response.status_code == 200
                assert response.json() == expected[url]
                assert seconds < 1, f"{url} took {seconds:.2f} s with Redis {outage}"
    finally:
        redis_cache.resume() if outage == "paused" else redis_cache.start()
    # Back: bodies are stored again, once the breaker lets calls through.
    time.sleep(RETRY_AFTER)
    redis.Redis.from_url(redis_cache.url).flushdb()
    for url, params in urls:
        assert client.get(url, params).status_code == 200
    assert len([key for key in redis_cache.stored_keys() if "api-body" in key]) == 2


def sign_in_attempts(client, count, start=0):
    """Sign-ins with a wrong password, each for another username (no lockout)."""
    return [
        client.post(
            TOKEN_URL,
            {"username": f"khach-{n}", "password": "doan-sai"},
            content_type="application/json",
        ).status_code
        for n in range(start, start + count)
    ]


def test_the_sign_in_throttle_counts_in_redis_is_open_while_it_is_down_and_counts_again(
    redis_cache, unit_tree
):
    guesser = Client(REMOTE_ADDR="10.9.8.7")
    assert sign_in_attempts(guesser, 11) == [400] * 10 + [429]
    assert any("throttle_sign_in_10.9.8.7" in key for key in redis_cache.stored_keys())

    redis_cache.stop()  # the counts are lost with it: the throttle lets attempts through
    assert sign_in_attempts(guesser, 12, start=11) == [400] * 12

    redis_cache.start()
    time.sleep(RETRY_AFTER)
    assert sign_in_attempts(guesser, 11, start=23) == [400] * 10 + [429]
