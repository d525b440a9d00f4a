"""issue 13 #14: malformed input answers a 400 (or 404) JSON error naming what
was wrong, never a 500.

Each case is an attacker's request replayed over HTTP against PostgreSQL:
numbers too big for any column, digits that are not ASCII ("²"), NUL and
control characters, search text long enough to exhaust the query parser,
dates out of range, ids past PostgreSQL's integer, and JSON bodies of the
wrong shape. Reader apps rely on ``{"code", "message", "fields"}``, with the
parameter or field named in ``fields``.
"""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from content_types.factories import publish_document
from content_types.models import QuestionCategory
from tests.api.conftest import (
    bearer,
    make_file,
    make_image,
    member,
    publish_news,
)
from tests.content_types.test_quizzes import make_question, publish_quiz

HUGE = "99999999999999999999"
LONG_SEARCH = "nghị quyết " * 1000  # ~11,000 characters: RecursionError in the query parser


def assert_bad(response, field, status=400):
    """A JSON error with a code, naming ``field``."""
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["code"] and body["message"]
    if field is not None:
        assert field in body["fields"], body


QUERY_ATTACKS = [
    # Offset pagination: too big for bigint, non-ASCII digits, past the sane maximum.
    ("/api/v2/pages/?offset=99999999999999999999999", "offset"),
    ("/api/v2/pages/?limit=99999999999999999999999", "limit"),
    ("/api/v2/pages/?offset=%C2%B2", "offset"),
    ("/api/v2/pages/?limit=%D9%A1", "limit"),  # Arabic-Indic one: int() accepts it
    ("/api/v2/pages/?offset=10001", "offset"),
    ("/api/v2/images/?offset=" + HUGE, "offset"),
    ("/api/v2/images/?limit=%C2%B2", "limit"),
    ("/api/v2/documents/?offset=" + HUGE, "offset"),
    ("/api/sync/?limit=" + HUGE, "limit"),
    # Search text: NUL (PostgreSQL refuses it), other control characters, length.
    ("/api/v2/pages/?search=%00", "search"),
    ("/api/v2/pages/?search=a%01b", "search"),
    ("/api/v2/pages/?search=" + LONG_SEARCH, "search"),
    ("/api/v2/pages/?search=x&search_operator=%00", "search_operator"),
    ("/api/v2/pages/?search=x&search_operator=xor", "search_operator"),
    ("/api/v2/images/?search=%00", "search"),
    ("/api/v2/documents/?search=" + LONG_SEARCH, "search"),
    ("/api/search/?q=%00", "q"),
    ("/api/search/?q=a%1Bb", "q"),
    ("/api/search/?q=" + LONG_SEARCH, "q"),
    ("/api/search/suggest/?q=%00", "q"),
    ("/api/search/suggest/?q=" + LONG_SEARCH, "q"),
    # NUL in any parameter Wagtail hands to the database.
    ("/api/v2/pages/find/?html_path=%00", "html_path"),
    ("/api/v2/images/?title=%00", None),
    ("/api/v2/pages/find/?id=null", "id"),
    ("/api/v2/images/find/?id=" + HUGE, "id"),
    # Ids in filters: too big, or not ASCII digits.
    ("/api/v2/pages/?unit=" + HUGE, "unit"),
    ("/api/v2/pages/?unit=%C2%B2", "unit"),
    ("/api/v2/pages/?child_of=" + HUGE, "child_of"),
    ("/api/v2/pages/?descendant_of=" + HUGE, "descendant_of"),
    ("/api/v2/pages/?child_of=" + "7" * 5000, "child_of"),  # past int()'s 4300 digits
    ("/api/v2/pages/?unit=" + "7" * 5000, "unit"),
    ("/api/search/?unit=" + HUGE, "unit"),
    ("/api/search/?year=" + HUGE, "year"),
    ("/api/search/?page=" + HUGE, "page"),
    ("/api/search/?page_size=" + HUGE, "page_size"),
    # Sync cursors and dates no sync could have produced.
    ("/api/sync/?since=0001-01-01T00:00:00", "since"),
    ("/api/sync/?since=9999-12-31T23:59:59-12:00", "since"),
    ("/api/sync/?since=v1.0." + HUGE + HUGE + ".0", "since"),
    ("/api/sync/?since=v1." + HUGE + ".0.0", "since"),
    ("/api/sync/?since=v1.0.%C2%B2.0", "since"),
    ("/api/sync/?since=%00", "since"),
]


@pytest.mark.parametrize(("url", "field"), QUERY_ATTACKS)
def test_malformed_query_parameters_are_a_400_naming_them(client, db, url, field):
    """issue 13 #14: ?offset=99999999999999999999999, ?offset=%C2%B2, ?search=%00,
    an 11,000-character search, huge ids in filters, /api/sync/?since=0001-01-01...
    answered 500; each is now a 400 JSON error naming the parameter."""
    assert_bad(client.get(url), field)


@pytest.fixture
def files_and_pages(unit_tree):
    image = make_image("Hoi nghi tong ket")
    document = make_file("Bao cao chinh tri")
    publish_news(unit_tree.grassroots, "Hội nghị tổng kết năm", image=image)
    publish_document(unit_tree.grassroots, "12-NQ/ĐU", files=[document])
    make_image("Phong canh")
    return image, document


@pytest.mark.parametrize(("endpoint", "word"), [("images", "tong"), ("documents", "chinh")])
def test_files_search_works(client, files_and_pages, endpoint, word):
    """issue 13 #14: any /api/v2/images/?search= and /api/v2/documents/?search=
    answered 500 (the search back end cannot filter on the visibility rule);
    now it finds the caller's visible files, best first, counted."""
    image, document = files_and_pages
    expected = image if endpoint == "images" else document
    response = client.get(f"/api/v2/{endpoint}/?search={word}")
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert [item["id"] for item in body["items"]] == [expected.pk]
    assert body["meta"]["total_count"] == 1
    ordered = client.get(f"/api/v2/{endpoint}/?search={word}&order=-id&limit=5")
    assert [item["id"] for item in ordered.json()["items"]] == [expected.pk]


def test_legitimate_windows_searches_and_cursors_still_work(client, files_and_pages):
    """issue 13 #14 (the other side): the bounds refuse only what no reader sends."""
    assert client.get("/api/v2/pages/?offset=10000&limit=100").status_code == 200
    full_length = ("tổng kết " * 30)[:200]
    assert client.get(f"/api/v2/pages/?search={full_length}").status_code == 200
    assert client.get(f"/api/search/?q={full_length}").status_code == 200
    found = client.get("/api/v2/pages/?search=tổng%09kết&search_operator=and")
    assert found.status_code == 200 and found.json()["meta"]["total_count"] == 1
    day_ago = (timezone.now() - datetime.timedelta(days=1)).replace(tzinfo=None).isoformat()
    synced = client.get(f"/api/sync/?since={day_ago}")
    assert synced.status_code == 200
    cursor = synced.json()["cursor"]
    assert client.get(f"/api/sync/?since={cursor}").status_code == 200
    assert client.get("/api/sync/?since=1970-01-01T00:00:00Z").status_code == 200


@pytest.fixture
def started_attempt(client, unit_tree):
    """A member's open attempt of a quiz in their grassroots unit."""
    category = QuestionCategory.objects.create(name="Điều lệ Đảng")
    for n in range(3):
        make_question(unit_tree.grassroots, f"Câu hỏi {n}", category)
    now = timezone.now()
    quiz = publish_quiz(
        unit_tree.grassroots,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=1),
    )
    headers = bearer(member(unit_tree.branch, "robust-member"))
    attempt = client.post(f"/api/quizzes/{quiz.pk}/attempts/", **headers).json()
    return attempt, headers


HUGE_ID_REQUESTS = [
    ("get", f"/api/quizzes/{HUGE}/attempts/"),
    ("post", f"/api/quizzes/{HUGE}/attempts/"),
    ("get", f"/api/quizzes/{HUGE}/ranking/"),
    ("get", f"/api/attempts/{HUGE}/"),
    ("put", f"/api/attempts/{HUGE}/"),
    ("post", f"/api/attempts/{HUGE}/submit/"),
    ("get", f"/api/attempts/{HUGE}/corrections/"),
    ("post", f"/api/study/lessons/{HUGE}/open/"),
    ("post", "/api/study/lessons/2147483648/complete/"),
    ("get", f"/api/study/modules/{HUGE}/progress/"),
    ("get", f"/api/questions/{HUGE}/"),
    ("get", f"/api/v2/pages/{HUGE}/"),
    ("get", f"/api/v2/images/{HUGE}/"),
    ("get", f"/api/v2/documents/{HUGE}/"),
]


@pytest.mark.parametrize(("method", "url"), HUGE_ID_REQUESTS)
def test_ids_past_postgresql_integer_are_not_found(client, db, method, url):
    """issue 13 #14: /api/quizzes/99999999999999999999/attempts/ (any id past
    2^31-1 in an address) is a JSON 404, never a database error: such an
    address matches no route, before any view or query runs."""
    response = getattr(client, method)(url, {}, content_type="application/json")
    assert_bad(response, None, status=404)
    assert response.json()["code"] == "not_found"


def test_unknown_addresses_answer_json_404_to_any_method(db):
    """issue 13 #14 (found by schemathesis): a POST to an id past 2^31-1 with a
    session cookie got Django's HTML CSRF page from the catch-all 404 view."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["sessionid"] = "whatever"
    response = client.post(f"/api/attempts/{2**31}/submit/", {}, content_type="application/json")
    assert_bad(response, None, status=404)
    assert response["Content-Type"] == "application/json"


BAD_ANSWERS = [
    ({"answers": {"{q}": [{"choice": 1}]}}, "answers.{q}.0"),
    ({"answers": {"{q}": [[1, 2]]}}, "answers.{q}.0"),
    ({"answers": {"{q}": "1"}}, "answers.{q}"),
    ({"answers": [1, 2]}, "answers"),
    ([{"answers": {}}], "non_field_errors"),
    ('"answers"', "non_field_errors"),  # a JSON string
]


@pytest.mark.parametrize(("body", "field"), BAD_ANSWERS)
def test_nested_validation_errors_name_the_field(client, started_attempt, body, field):
    """issue 13 #14: nested validation errors in PUT /api/attempts/<id>/ crashed
    the error handler (500); the error now names the nested field by its path."""
    attempt, headers = started_attempt
    question = str(attempt["questions"][0]["id"])
    body = _with_question(body, question)
    response = client.put(
        f"/api/attempts/{attempt['id']}/", body, content_type="application/json", **headers
    )
    assert_bad(response, field.format(q=question))
    assert response.json()["code"] == "invalid"
    fine = {"answers": {question: [attempt["questions"][0]["choices"][0]["id"]]}}
    saved = client.put(
        f"/api/attempts/{attempt['id']}/", fine, content_type="application/json", **headers
    )
    assert saved.status_code == 200


def _with_question(value, question):
    """``value`` with "{q}" in keys and strings replaced by the question id."""
    if isinstance(value, dict):
        return {key.format(q=question): _with_question(v, question) for key, v in value.items()}
    if isinstance(value, list):
        return [_with_question(item, question) for item in value]
    return value


BAD_BODIES = [
    ("/api/attempts/{a}/submit/", {"key": ["phone-1"]}, "key"),
    ("/api/attempts/{a}/submit/", {"answers": {"1": [{"x": 1}]}}, "answers.1.0"),
    ("/api/attempts/{a}/submit/", [1, 2], "non_field_errors"),
    ("/api/questions/", {"text": {"nested": "x"}}, "text"),
    ("/api/questions/", {"text": "a\x00b"}, "text"),
    ("/api/questions/", '"just a string"', "non_field_errors"),
    ("/api/auth/token/", {"username": ["a"], "password": "x"}, "username"),
    ("/api/auth/token/", {"username": "a\x00", "password": "x"}, "username"),
    ("/api/auth/token/", [], "non_field_errors"),
]


@pytest.mark.parametrize(("url", "body", "field"), BAD_BODIES)
def test_json_bodies_of_the_wrong_shape_are_a_400(client, started_attempt, url, body, field):
    """issue 13 #14: arrays where scalars are expected, a body that is a list or a
    string, NUL in text: a 400 naming the field, never a 500."""
    attempt, headers = started_attempt
    response = client.post(
        url.format(a=attempt["id"]), body, content_type="application/json", **headers
    )
    assert_bad(response, field)


def test_a_body_that_is_not_utf8_json_is_a_400(client, started_attempt):
    """issue 13 #14: non-UTF-8 bytes as a JSON body are a parse error, not a 500."""
    attempt, headers = started_attempt
    response = client.put(
        f"/api/attempts/{attempt['id']}/",
        b'{"answers": "\xff\xfe"}',
        content_type="application/json",
        **headers,
    )
    assert_bad(response, None)
