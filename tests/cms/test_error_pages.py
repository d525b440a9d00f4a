"""The error pages readers see with DEBUG off: Vietnamese 404 and 500 pages
with a link home; the API keeps answering in JSON."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

pytestmark = pytest.mark.django_db

FAILING_URLS = "tests.cms.error_urls"


@pytest.fixture
def failing_views(settings, client):
    settings.ROOT_URLCONF = FAILING_URLS
    client.raise_request_exception = False
    return client


def test_an_unknown_page_answers_the_vietnamese_404_page(client, settings):
    assert settings.DEBUG is False
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Không tìm thấy trang" in page
    assert "Về trang chủ" in page
    assert 'href="/"' in page
    assert "Traceback" not in page


def test_an_english_browser_gets_the_404_page_in_english(client):
    response = client.get("/khong-co-trang-nay/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Page not found" in page
    assert "Go to the home page" in page


def test_a_failing_view_answers_the_vietnamese_500_page(failing_views):
    response = failing_views.get("/failing-page/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Đã có lỗi xảy ra" in page
    assert "Về trang chủ" in page
    assert "the view failed on purpose" not in page
    assert "Traceback" not in page


def test_the_500_page_renders_without_a_request_or_the_database(django_assert_num_queries):
    """Django draws it with no request context, when the database may be what failed."""
    with translation.override("vi"), django_assert_num_queries(0):
        page = render_to_string("500.html")
    assert "Đã có lỗi xảy ra" in page
    assert "Lỗi 500" in page


def test_the_api_keeps_json_errors(failing_views):
    missing = failing_views.get("/api/khong-co/")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"

    failed = failing_views.get("/api/failing/")
    assert failed.status_code == 500
    assert failed["Content-Type"] == "application/json"
    assert failed.json()["code"] == "server_error"
    assert "the view failed on purpose" not in failed.content.decode()
