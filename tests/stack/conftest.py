"""The stack test's fixtures: one production stack for the whole session
(tests/stack/topology.py), always torn down, and the figures each scenario
reports, written to .run/stack-report.md and printed at the end.

Run alone, without xdist: ``pytest -p no:xdist tests/stack`` (``make test``
does, after the main suite).
"""

import json
import signal
import time
from pathlib import Path

import pytest

from .http_load import request, run_load
from .topology import HOST, ROOT, Stack

REPORT = ROOT / ".run" / "stack-report.md"
MEMBER = ("tn-02-001-01-001", "demo12345")  # a branch secretary of the demo (docs/demo.md)
_figures = {}


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # pytest then runs the teardown


@pytest.fixture(scope="session")
def stack():
    previous = signal.signal(signal.SIGTERM, _interrupt)
    topology = Stack()
    started = time.monotonic()
    try:
        topology.start()
        topology.started_in = time.monotonic() - started
        prepared = (
            f"a copy of {topology.prepared_from} (same code as the last run)"
            if topology.prepared_from
            else "migrated and seeded (then kept as a template for the same code)"
        )
        record(
            "Start-up",
            {"seconds": round(topology.started_in), "database": prepared, "ports": topology.ports},
        )
        yield topology
    finally:
        topology.stop()
        signal.signal(signal.SIGTERM, previous)


def get(stack, path, headers=None, timeout=30):
    return request(HOST, stack.ports["nginx"], "GET", path, headers, timeout=timeout)


def post_json(stack, path, data, headers=None):
    body = json.dumps(data).encode()
    headers = {"Content-Type": "application/json", **(headers or {})}
    return request(HOST, stack.ports["nginx"], "POST", path, headers, body)


@pytest.fixture(scope="session")
def member_token(stack):
    """A reader app's Bearer token for a party member, signed in through nginx.

    Scenario 5 uses up the sign-in throttle of 127.0.0.1 on purpose: wait as
    the 429's Retry-After says, as a reader app would (a minute at most)."""
    deadline = time.monotonic() + 90
    while True:
        credentials = {"username": MEMBER[0], "password": MEMBER[1]}
        response = post_json(stack, "/api/auth/token/", credentials)
        if response.status != 429 or time.monotonic() > deadline:
            break
        time.sleep(min(65, int(response.headers.get("retry-after", "5")) + 1))
    assert response.status == 201, response.body
    return json.loads(response.body)["token"]


def record(scenario, figures):
    """Keep ``figures`` (a dict) for the report under ``scenario``."""
    _figures[scenario] = figures
    lines = ["# Stack test figures", ""]
    lines.append("`make test` (tests/stack/ with `pytest -p no:xdist tests/stack`).")
    lines.append("")
    for name, values in _figures.items():
        lines.append(f"## {name}")
        lines.append("")
        for key, value in values.items():
            lines.append(f"- {key}: {value}")
        lines.append("")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines))


def pytest_terminal_summary(terminalreporter):
    if _figures and Path(REPORT).exists():
        terminalreporter.section("stack figures (.run/stack-report.md)")
        terminalreporter.write_line(REPORT.read_text())


@pytest.fixture(scope="session")
def reader_paths(stack):
    """What readers ask, in turn: the home page, listings, details and searches."""
    listing = "/api/v2/pages/?type=content_types.NewsArticle&limit=10"
    found = json.loads(get(stack, listing).body)["items"]
    assert found, "the demo content has public news"
    paths = [
        "/",
        listing,
        "/api/v2/pages/?type=content_types.PartyDocument&limit=10",
        "/api/search/?q=ngh%E1%BB%8B+quy%E1%BA%BFt",
        "/api/search/?q=dang+vien&kind=news",
    ]
    paths += [f"/api/v2/pages/{item['id']}/" for item in found]
    for path in paths:
        assert get(stack, path).status == 200, path
    return paths


def reader_mix(paths):
    """``choose`` for http_load.run_load: reader r's n-th request."""

    def choose(reader, n):
        return "GET", paths[(reader + n) % len(paths)], {"Accept-Language": "vi"}

    return choose


def readers_load(stack, paths, *, readers, seconds, max_requests=20_000, during=None):
    """``readers`` readers reading ``paths`` through nginx for ``seconds``
    (at most ``max_requests``), with ``during`` run alongside; the result."""
    result, _ = run_load(
        HOST,
        stack.ports["nginx"],
        reader_mix(paths),
        readers=readers,
        seconds=seconds,
        max_requests=max_requests,
        during=during,
    )
    return result
