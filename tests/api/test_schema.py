"""The OpenAPI schema is the reader apps' contract: schemathesis sends generated
requests to every documented endpoint of ours, anonymously and with a member's
token, and checks that none answers 5xx and that every documented response
matches its schema (issue 13: 0 server errors).

The runs are derandomized (the same examples every time) and capped per
operation, so they take a couple of minutes on a small machine.
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from cms.wsgi import application
from content_types.models import Audience
from editorial.factories import make_unit
from editorial.models import UnitLevel
from editorial.provisioning import provision_board

from .conftest import make_file, make_image, member, publish_news

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# WSGI test transport does not undo gzip: ask for plain bodies.
PLAIN = {"Accept-Encoding": "identity"}
PASSWORD = "schemathesis-pass-1"


@pytest.fixture
def keep_test_connection():
    """Called through WSGI (not Django's test client), a request would close the
    test's database connection when it finishes; keep it, as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def content(db):
    """One unit with its board, a public and a members' news item, an image and
    a document (small: it is built again for every operation)."""
    unit = make_unit("TN", level=UnitLevel.PROVINCE, short_name="TU")
    unit.refresh_from_db()
    provision_board(unit)
    unit.refresh_from_db()
    publish_news(unit, "Tin công khai", image=make_image("schema-image"))
    publish_news(unit, "Tin nội bộ", Audience.MEMBERS)
    make_file("schema-file")
    return unit


@pytest.fixture
def member_headers(content, client, request):
    """A member's Bearer token, from the sign-in endpoint as an app gets it
    (through the test client, which sets the connection signals back when it
    is done: ``keep_test_connection`` comes after it)."""
    user = member(content, "schemathesis")
    user.set_password(PASSWORD)
    user.save()
    response = client.post(
        "/api/auth/token/",
        {"username": "schemathesis", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    request.getfixturevalue("keep_test_connection")
    return {"Authorization": f"Bearer {response.json()['token']}", **PLAIN}


def test_the_schema_describes_the_content_endpoints_and_their_filters(client, db):
    document = client.get("/api/schema/?format=json").json()
    parameters = {p["name"] for p in document["paths"]["/api/v2/pages/"]["get"]["parameters"]}
    assert {
        "type",
        "fields",
        "child_of",
        "descendant_of",
        "order",
        "limit",
        "offset",
    } <= parameters
    assert {
        "unit",
        "subtree",
        "category",
        "document_type",
        "status",
        "date_from",
        "locale",
    } <= parameters
    for path in (
        "/api/auth/token/",
        "/api/sync/",
        "/api/quizzes/{quiz_id}/attempts/",
        "/api/attempts/{attempt_id}/submit/",
    ):
        assert path in document["paths"]
    assert client.get("/api/docs/").status_code == 200


def test_every_endpoint_is_in_the_schema(client, db):
    document = client.get("/api/schema/?format=json").json()
    operations = {
        path for path in document["paths"] if path.startswith(("/api/v2/", "/api/search/"))
    }
    assert {
        "/api/v2/pages/",
        "/api/v2/pages/{id}/",
        "/api/v2/pages/find/",
        "/api/v2/images/",
        "/api/v2/documents/",
        "/api/search/",
        "/api/search/suggest/",
    } <= operations
    pages = {p["name"] for p in document["paths"]["/api/v2/pages/"]["get"]["parameters"]}
    assert {"search", "search_operator", "ancestor_of", "translation_of"} <= pages
    quiz_id = document["paths"]["/api/quizzes/{quiz_id}/attempts/"]["get"]["parameters"][0]
    assert quiz_id["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}


RUN = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@RUN
def test_no_server_errors_for_members(case, member_headers):
    """issue 13: with a member's token, no generated request answers 5xx."""
    cache.clear()  # sign-in throttles would otherwise answer most token calls
    case.call_and_validate(headers=member_headers, checks=CHECKS)


@schema.parametrize()
@RUN
def test_no_server_errors_for_anonymous_callers(case, content, keep_test_connection):
    """issue 13: without a token, no generated request answers 5xx."""
    cache.clear()
    case.call_and_validate(headers=PLAIN, checks=CHECKS)
