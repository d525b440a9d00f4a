"""``/api/v2/pages/?search=`` with Wagtail's own search back end: the database
one (make run) and the OpenSearch one (production), which cannot filter on
the audience table. Either way a caller finds and counts only what they may read."""

import importlib
import io
import os
import uuid

import pytest
from django.core.management import call_command
from wagtail.search.backends import get_search_backend

from content_types.models import Audience

from .conftest import publish_news

pytestmark = pytest.mark.django_db

ENGINE_URL = os.environ.get("OPENSEARCH_URL")


@pytest.fixture(params=["database", "opensearch"])
def wagtail_backend(request, settings):
    if request.param == "database":
        yield request.param
        return
    if not ENGINE_URL:
        pytest.fail("OPENSEARCH_URL is not set: run the suite through scripts/test-services.sh")
    import cms.settings.base as base

    prefix = f"stdv_test_{uuid.uuid4().hex[:12]}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OPENSEARCH_URL", ENGINE_URL)
        patch.setenv("SEARCH_INDEX", prefix)
        settings.WAGTAILSEARCH_BACKENDS = importlib.reload(base).WAGTAILSEARCH_BACKENDS
    importlib.reload(base)
    yield request.param
    backend = get_search_backend()
    backend.es.indices.delete(index=f"{prefix}_wagtail_*", ignore_unavailable=True)


@pytest.fixture
def searchable(unit_tree, wagtail_backend):
    grassroots, branch = unit_tree.grassroots, unit_tree.branch
    pages = {
        "public": publish_news(grassroots, "Hội nghị quán triệt công khai"),
        "members": publish_news(grassroots, "Hội nghị quán triệt đảng viên", Audience.MEMBERS),
        "branch only": publish_news(
            grassroots, "Hội nghị quán triệt chi bộ", Audience.UNIT, (branch,)
        ),
    }
    if wagtail_backend == "opensearch":
        call_command("update_index", verbosity=0, stdout=io.StringIO())
        get_search_backend().refresh_indexes()
    return pages


@pytest.mark.parametrize(
    ("reader", "visible"),
    [
        ("anonymous", {"public"}),
        ("sibling branch", {"public", "members"}),
        ("branch", {"public", "members", "branch only"}),
    ],
)
def test_search_finds_and_counts_only_what_the_caller_may_read(api, searchable, reader, visible):
    response = api(reader).get(
        "/api/v2/pages/", {"search": "quán triệt", "type": "content_types.NewsArticle"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert {item["id"] for item in body["items"]} == {searchable[name].pk for name in visible}
    assert body["meta"]["total_count"] == len(visible)


def test_search_with_fields_and_a_window(api, searchable):
    response = api("branch").get(
        "/api/v2/pages/", {"search": "quán triệt", "fields": "title", "limit": 1, "offset": 1}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["meta"]["total_count"] == 3
    assert len(body["items"]) == 1
    assert body["items"][0]["title"].startswith("Hội nghị quán triệt")
