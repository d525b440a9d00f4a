"""A client cannot choose the request id that lands in the logs.

The id in X-Request-ID is only believed from a trusted proxy, and only when
it looks like an id; a forged one (a fake log line after a line break,
terminal escapes, a megabyte of text) is replaced with a fresh id, which the
response returns."""

import re

import pytest
from django.test import override_settings

FRESH_ID = re.compile(r"[0-9a-f]{32}")

FORGED = [
    'abc\n{"level": "INFO", "logger": "django.security", "message": "admin signed in"}',
    "abc\r\nX-Injected: yes",
    "abc\x1b[2Jcleared",
    "abc def",
    "a" * 65,
    "x" * 1_000_000,
    "",
]


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
@pytest.mark.parametrize("offered", FORGED, ids=range(len(FORGED)))
def test_a_forged_request_id_is_replaced(client, offered):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=offered, REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert FRESH_ID.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_trusted_proxy_a_clients_id_is_ignored(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="chosen-by-the-client")
    assert FRESH_ID.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db
@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_proxys_id_of_64_characters_is_kept(client):
    offered = "A1-" + "b" * 61
    response = client.get("/healthz", HTTP_X_REQUEST_ID=offered, REMOTE_ADDR="127.0.0.1")
    assert response["X-Request-ID"] == offered


@pytest.mark.django_db
def test_every_request_gets_its_own_id(client):
    ids = {client.get("/healthz")["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3
