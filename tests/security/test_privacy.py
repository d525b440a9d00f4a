"""Wagtail page privacy on every reader channel, and tree filters that reveal nothing.

Issue 13 #4: a page under a ``PageViewRestriction`` (password, login or groups;
on the page or an ancestor) was found by ``/api/search/`` and its suggestions
(highlights quoted the protected text), and its English alias (wagtail-localize
mirrors the Vietnamese tree; the alias is not under the restriction itself)
was served by details, listings and sync. Readers' channels now leave such
pages out for every caller, signed in or not, in the group or not
(``content_types.models.audience.under_view_restriction`` says why).

Issue 13 #12: ``?child_of=<unreadable id>&search=...`` answered 200 where an
unknown id answered 400, and ``ancestor_of`` listed an unreadable page's
ancestors (its owning unit). A page the caller may not read now answers
exactly as an id that does not exist, on every tree filter, details and
``find``.
"""

from urllib.parse import unquote

import pytest
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from wagtail.models import Locale, Page, PageViewRestriction

from content_types.factories import unit_index
from content_types.localization import ensure_locales
from content_types.models import Audience, NewsIndexPage
from search import engine
from tests.api.conftest import bearer, member, publish_news
from tests.search.conftest import ENGINE_URL, drop_index, engine_settings, unique_index
from tests.search.conftest import publish_news as publish_with_lead

pytestmark = pytest.mark.django_db

SECRET = "Kế hoạch nhân sự bảo mật"
OPEN = "Kế hoạch nhân sự công khai"
NEWS = {"type": "content_types.NewsArticle"}


def restrict(page, kind, group=None):
    """A view restriction of ``kind`` on ``page``, as the admin's privacy dialog saves it."""
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=kind, password="mat-khau" if kind == "password" else ""
    )
    if kind == "groups":
        restriction.groups.add(group)
    return restriction


def english_alias(page):
    return Page.objects.get(
        translation_key=page.translation_key, locale=Locale.objects.get(language_code="en")
    )


@pytest.fixture
def group_member(unit_tree):
    """A signed-in party member of the group a restriction names: as close to
    passing it as an API caller gets."""
    user = member(unit_tree.district, "thanh-vien-nhom")
    user.groups.add(Group.objects.create(name="Ban tổ chức"))
    return user


def callers(user):
    signed_in = Client()
    signed_in.defaults.update(bearer(user))
    return {"anonymous": Client(), "signed-in group member": signed_in}


def listed_ids(client, **params):
    response = client.get("/api/v2/pages/", {**NEWS, **params})
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def synced_ids(client, **params):
    response = client.get("/api/sync/", params)
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["changed"]}


# --- issue 13 #4: details, listings, translations and sync ----------------------------


@pytest.mark.parametrize("kind", ["password", "login", "groups"])
def test_a_restricted_page_and_its_alias_are_on_no_api_channel(unit_tree, group_member, kind):
    """issue 13 #4: a restricted page, a page below a restricted index, and the
    English aliases of both are absent from details, listings, translations
    and sync; the unrestricted page and its alias still are everywhere."""
    ensure_locales()
    district = unit_tree.district
    secret = publish_news(district, SECRET)
    shown = publish_news(district, OPEN)
    group = group_member.groups.first()
    restrict(secret, kind, group)
    # A restriction on an ancestor covers what is below it, in a second unit.
    index = unit_index(unit_tree.district_2, NewsIndexPage)
    below = publish_news(unit_tree.district_2, f"{SECRET} huyện hai")
    restrict(index, kind, group)
    hidden = [secret, below, english_alias(secret), english_alias(below)]
    visible = [shown, english_alias(shown)]

    for name, client in callers(group_member).items():
        for page in hidden:
            assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404, (name, page)
        for page in visible:
            assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 200, (name, page)
        for locale in ("vi", "en"):
            assert listed_ids(client, locale=locale).isdisjoint(p.pk for p in hidden), name
            assert synced_ids(client, locale=locale).isdisjoint(p.pk for p in hidden), name
        assert shown.pk in listed_ids(client) and shown.pk in synced_ids(client)
        assert english_alias(shown).pk in listed_ids(client, locale="en")
        assert english_alias(shown).pk in synced_ids(client, locale="en")
        translations = client.get(f"/api/v2/pages/{shown.pk}/").json()["translations"]
        assert [t["id"] for t in translations] == [english_alias(shown).pk]


def test_sync_tells_apps_to_drop_a_page_once_it_is_restricted(unit_tree):
    """issue 13 #4: an app that synced a page (or its English alias) before a
    restriction was added gets its id in ``removed``; other pages are kept."""
    ensure_locales()
    secret = publish_news(unit_tree.district, SECRET)
    shown = publish_news(unit_tree.district, OPEN)
    client = Client()
    cursors = {}
    for locale in ("vi", "en"):
        response = client.get("/api/sync/", {"locale": locale})
        cursors[locale] = response.json()["cursor"]
    restrict(secret, "login")
    for locale, page in (("vi", secret), ("en", english_alias(secret))):
        body = client.get("/api/sync/", {"since": cursors[locale], "locale": locale}).json()
        assert page.pk in body["removed"], locale
        assert shown.pk not in body["removed"] and page.pk not in synced_ids(client)


def test_the_listing_search_leaves_restricted_pages_and_aliases_out(unit_tree):
    """issue 13 #4: ``/api/v2/pages/?search=`` in either language finds neither
    the restricted page nor its alias; the open one it finds."""
    ensure_locales()
    secret = publish_news(unit_tree.district, SECRET)
    shown = publish_news(unit_tree.district, OPEN)
    restrict(secret, "login")
    client = Client()
    assert listed_ids(client, search="kế hoạch nhân sự") == {shown.pk}
    assert listed_ids(client, search="kế hoạch nhân sự", locale="en") == {english_alias(shown).pk}


# --- issue 13 #4: archive search and suggestions, on both back ends ------------------


@pytest.fixture(params=["opensearch", "database"])
def archive(request, django_capture_on_commit_callbacks):
    """Archive search on the engine (an index of the test's own) or on the
    database fallback; ``archive(action)`` commits ``action`` so that the
    outbox applies it."""

    def committed(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    if request.param == "database":
        with override_settings(SEARCH_ENGINE_URL=None):
            yield committed
        return
    if not ENGINE_URL:
        pytest.skip("OPENSEARCH_URL is not set (scripts/test-services.sh starts a node)")
    alias = unique_index()
    with engine_settings(alias):
        engine.ensure_index()
        yield committed
    drop_index(alias)


def found(client, path, q):
    response = client.get(path, {"q": q})
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize("kind", ["password", "login", "groups"])
def test_archive_search_and_suggestions_never_show_a_restricted_page(
    unit_tree, group_member, archive, kind
):
    """issue 13 #4: once a restriction is added (on the page or above it), search,
    its highlights, facet counts and suggestions leave the page out for every
    caller; once it is lifted, the page is found again."""
    # The restricted page sits alone in the second district's news, so that
    # restricting that index (an ancestor) hides it and nothing else.
    secret = archive(
        lambda: publish_with_lead(unit_tree.district_2, SECRET, lead="Danh sách bổ nhiệm mật")
    )
    shown = archive(lambda: publish_with_lead(unit_tree.district, OPEN, lead="Lịch tiếp dân"))
    group = group_member.groups.first()

    for restricted in (secret, unit_index(unit_tree.district_2, NewsIndexPage)):
        restriction = archive(lambda page=restricted: restrict(page, kind, group))
        for name, client in callers(group_member).items():
            results = found(client, "/api/search/", "ke hoach nhan su")
            assert [r["id"] for r in results] == [shown.pk], name
            assert not any("bổ nhiệm" in (r["highlight"] or "") for r in results), name
            assert found(client, "/api/search/", "bo nhiem") == [], name
            body = client.get("/api/search/", {"q": "ke hoach"}).json()
            assert body["count"] == 1 and body["facets"]["kind"][0]["count"] == 1, name
            suggested = found(client, "/api/search/suggest/", "ke hoach nhan")
            assert [r["id"] for r in suggested] == [shown.pk], name
        archive(restriction.delete)
        results = found(Client(), "/api/search/", "ke hoach nhan su")
        assert {r["id"] for r in results} == {secret.pk, shown.pk}


# --- issue 13 #12: tree filters, details and find on unreadable pages ---------------

TREE_FILTERS = ["child_of", "descendant_of", "ancestor_of", "translation_of"]
UNKNOWN_ID = 987654321


@pytest.fixture
def unreadable(unit_tree):
    """Pages an anonymous caller may not read, one per reason, and a readable one."""
    district = unit_tree.district
    restricted_index = unit_index(unit_tree.district_2, NewsIndexPage)
    restrict(restricted_index, "password")
    return {
        "unit-only page": publish_news(district, "Tin nội bộ huyện", Audience.UNIT),
        "restricted index": restricted_index,
        "page below it": publish_news(unit_tree.district_2, "Tin dưới trang khóa"),
        "readable": publish_news(district, "Tin công khai huyện"),
    }


def html_path(page):
    """The page's path on the site, as ``find?html_path=`` takes it (not URL-encoded)."""
    return unquote(page.get_url_parts()[2])


def answer(client, path, params):
    response = client.get(path, params, HTTP_ACCEPT_LANGUAGE="en")
    return response.status_code, response.content


@pytest.mark.parametrize("name", TREE_FILTERS)
@pytest.mark.parametrize("search", [{}, {"search": "tin"}])
def test_a_tree_filter_on_an_unreadable_page_answers_as_an_unknown_id(unreadable, name, search):
    """issue 13 #12: ``child_of``, ``descendant_of``, ``ancestor_of`` and
    ``translation_of`` naming a page the caller may not read give the same
    status and body as an id that does not exist, with and without search."""
    client = Client()
    unknown = answer(client, "/api/v2/pages/", {name: UNKNOWN_ID, **search})
    assert unknown[0] == 400
    assert name.encode() in unknown[1]
    for reason in ("unit-only page", "restricted index", "page below it"):
        params = {name: unreadable[reason].pk, **search}
        assert answer(client, "/api/v2/pages/", params) == unknown, reason


def test_tree_filters_on_a_readable_page_still_work(unreadable, unit_tree):
    """issue 13 #12, the legitimate use: filters on readable pages answer as in
    Wagtail, with and without search, and a member reads their unit's page."""
    client = Client()
    readable = unreadable["readable"]
    index = unit_index(unit_tree.district, NewsIndexPage)
    for search in ({}, {"search": "tin"}):
        assert listed_ids(client, child_of=index.pk, **search) == {readable.pk}
        assert readable.pk in listed_ids(client, descendant_of=index.pk, **search)
    ancestors = client.get("/api/v2/pages/", {"ancestor_of": readable.pk})
    assert index.pk in {item["id"] for item in ancestors.json()["items"]}
    assert listed_ids(client, translation_of=readable.pk) == set()
    insider = Client()
    insider.defaults.update(bearer(member(unit_tree.district, "dang-vien-huyen")))
    unit_only = unreadable["unit-only page"]
    assert unit_only.pk in listed_ids(insider, child_of=index.pk, search="tin")
    combined = client.get("/api/v2/pages/", {"child_of": index.pk, "descendant_of": index.pk})
    assert combined.status_code == 400
    assert "descendant_of" in combined.json()["fields"]


def test_details_and_find_of_an_unreadable_page_answer_as_unknown(unreadable):
    """issue 13 #12: ``/api/v2/pages/<id>/`` and ``/api/v2/pages/find/`` are 404
    with the same body for an unreadable page as for one that does not exist;
    a readable page is found."""
    client = Client()
    unknown = answer(client, f"/api/v2/pages/{UNKNOWN_ID}/", {})
    unknown_path = answer(client, "/api/v2/pages/find/", {"html_path": "/khong-co-trang-nay/"})
    assert unknown[0] == unknown_path[0] == 404
    for reason in ("unit-only page", "page below it"):
        page = unreadable[reason]
        assert answer(client, f"/api/v2/pages/{page.pk}/", {}) == unknown, reason
        path = page.get_url_parts()[2]
        assert answer(client, "/api/v2/pages/find/", {"html_path": path}) == unknown_path
    readable = unreadable["readable"]
    response = client.get("/api/v2/pages/find/", {"html_path": html_path(readable)})
    assert response.status_code == 302
    assert f"/api/v2/pages/{readable.pk}/" in response["Location"]
