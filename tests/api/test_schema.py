"""The OpenAPI schema is the reader apps' contract: schemathesis sends generated
requests to every documented endpoint of ours and checks that none answers
5xx and that every documented response matches its schema.

Search (``/api/search/``) is tested by its own app.
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

from .conftest import bearer, member, publish_news

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application).exclude(
    path_regex="^/api/search/"
)


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
def member_headers(db, keep_test_connection):
    """One unit with its board, a public and a members' news item, a member's token
    (small: it is built again for every operation)."""
    unit = make_unit("TN", level=UnitLevel.PROVINCE, short_name="TU")
    unit.refresh_from_db()
    provision_board(unit)
    unit.refresh_from_db()
    publish_news(unit, "Tin công khai")
    publish_news(unit, "Tin nội bộ", Audience.MEMBERS)
    # WSGI test transport does not undo gzip: ask for plain bodies.
    token = bearer(member(unit, "schemathesis"))["HTTP_AUTHORIZATION"]
    return {"Authorization": token, "Accept-Encoding": "identity"}


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


@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_match_the_schema(case, member_headers):
    cache.clear()  # sign-in throttles would otherwise answer most token calls
    case.call_and_validate(
        headers=member_headers,
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
