"""Titles of pages an editor or a reader may not see, named by choosers,
bulk-action pages and linked pages in the API.

Replays finding 9 of issue 13: the admin page chooser and the bulk-action
refusal pages showed other units' draft and unit-only titles, and a body block
linking to a page the reader cannot read printed its title in the API.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.representation import stream_json
from content_types.factories import draft_news, news_index, publish_news
from content_types.models import Audience
from tests.api.conftest import bearer, member

SECRET_DRAFT = "Dự thảo kỷ luật PL"
SECRET_UNIT = "Thông báo nội bộ PL"
PUBLIC = "Tin công khai PL"
OWN_DRAFT = "Dự thảo của DT"


@pytest.fixture
def other_units_pages(unit_tree):
    """In the district PL: a draft, a unit-only page and a public page; in DT,
    a draft of the editor's own unit."""
    return {
        "draft": draft_news(unit_tree.district_2, SECRET_DRAFT),
        "unit": publish_news(unit_tree.district_2, SECRET_UNIT, audience=Audience.UNIT),
        "public": publish_news(unit_tree.district_2, PUBLIC),
        "own draft": draft_news(unit_tree.district, OWN_DRAFT),
    }


@pytest.fixture
def editor_client(client, unit_tree, board_user):
    client.force_login(board_user(unit_tree.district))
    return client


def chooser_html(client, parent):
    response = client.get(reverse("wagtailadmin_choose_page_child", args=[parent.pk]))
    assert response.status_code == 200
    return response.json()["html"]


# --- the admin -------------------------------------------------------------------


def test_page_chooser_lists_only_pages_the_editor_may_see(
    editor_client, unit_tree, other_units_pages
):
    """issue 13 #9: browsing another unit's news list in the page chooser shows
    its public page, not its draft or its unit-only page; the editor's own
    draft is still offered."""
    other = chooser_html(editor_client, news_index(unit_tree.district_2))
    assert PUBLIC in other
    assert SECRET_DRAFT not in other
    assert SECRET_UNIT not in other

    own = chooser_html(editor_client, news_index(unit_tree.district))
    assert OWN_DRAFT in own


def test_page_chooser_does_not_open_a_hidden_page(editor_client, other_units_pages):
    """issue 13 #9: browsing into a hidden page (which would print its title
    as the chooser's heading) answers 404; a visible one still opens."""
    for name in ("draft", "unit"):
        url = reverse("wagtailadmin_choose_page_child", args=[other_units_pages[name].pk])
        assert editor_client.get(url).status_code == 404
    url = reverse("wagtailadmin_choose_page_child", args=[other_units_pages["public"].pk])
    assert editor_client.get(url).status_code == 200


def test_chosen_pages_answer_names_only_visible_pages(editor_client, other_units_pages):
    """issue 13 #9: the chooser's "chosen" answer, asked for hidden pages by
    id, names only those the editor may see."""
    ids = "&".join(f"id={page.pk}" for page in other_units_pages.values())

    response = editor_client.get(f"{reverse('wagtailadmin_choose_page_chosen_multiple')}?{ids}")

    assert response.status_code == 200
    titles = {page["adminTitle"] for page in response.json()["result"]}
    assert titles == {PUBLIC, OWN_DRAFT}


@pytest.mark.parametrize("action", ["delete", "move", "publish", "unpublish"])
def test_bulk_action_refusals_do_not_name_hidden_pages(editor_client, other_units_pages, action):
    """issue 13 #9: asking for a bulk action on other units' pages by id lists
    the refused pages the editor may see, never the hidden ones."""
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", action))
    ids = "&".join(f"id={page.pk}" for page in other_units_pages.values())

    response = editor_client.get(f"{url}?{ids}")

    assert response.status_code == 200
    html = response.content.decode()
    assert PUBLIC in html
    assert OWN_DRAFT in html
    assert SECRET_DRAFT not in html
    assert SECRET_UNIT not in html


# --- the API ---------------------------------------------------------------------


def linking_article(unit_tree, pages):
    body = [
        ("document", {"page": pages["unit"], "text": ""}),
        ("document", {"page": pages["draft"], "text": "Xem dự thảo"}),
        ("document", {"page": pages["public"], "text": ""}),
        (
            "paragraph",
            f'<p>Xem <a linktype="page" id="{pages["unit"].pk}">thông báo</a> và '
            f'<a linktype="page" id="{pages["public"].pk}">tin</a>.</p>',
        ),
    ]
    return publish_news(unit_tree.district, "Tin có liên kết", body=body)


def test_api_leaves_out_links_to_pages_the_reader_cannot_read(unit_tree, other_units_pages):
    """issue 13 #9: a public article linking to a unit-only page and to a
    draft shows neither title nor address to an anonymous reader, in the
    reader detail and in Wagtail's ``?fields=body``; the public link stays."""
    article = linking_article(unit_tree, other_units_pages)
    url = reverse("api_v2:pages:detail", args=[article.pk])
    unit_url = other_units_pages["unit"].url

    body = Client().get(url).json()["body"]

    assert [block["value"] for block in body[:2]] == [None, None]
    assert body[2]["value"]["title"] == PUBLIC
    paragraph = body[3]["value"]
    assert "<a>thông báo</a>" in paragraph
    assert unit_url not in paragraph
    assert other_units_pages["public"].url in paragraph

    wagtail = Client().get(url, {"fields": "body"}).content.decode()
    assert SECRET_UNIT not in wagtail and SECRET_DRAFT not in wagtail
    assert f'id=\\"{other_units_pages["unit"].pk}\\"' not in wagtail
    assert PUBLIC in wagtail


def test_api_shows_linked_pages_to_their_readers(unit_tree, other_units_pages):
    """issue 13 #9: a member of PL reads the unit-only page, so its link is
    shown to them (a draft never is)."""
    article = linking_article(unit_tree, other_units_pages)
    reader = member(unit_tree.district_2, "pl-member")
    url = reverse("api_v2:pages:detail", args=[article.pk])

    body = Client().get(url, **bearer(reader)).json()["body"]

    assert body[0]["value"]["title"] == SECRET_UNIT
    assert body[1]["value"] is None
    assert other_units_pages["unit"].url in body[3]["value"]


def test_linked_pages_are_checked_in_one_query_per_body(unit_tree, other_units_pages):
    """issue 13 #9: the check costs the same queries for 2 links as for 8."""
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    targets = [other_units_pages[name] for name in ("unit", "draft", "public", "own draft")]

    def queries_for(count):
        body = [("document", {"page": targets[n % 4], "text": ""}) for n in range(count)]
        article = publish_news(unit_tree.district, f"Tin {count} liên kết", body=body)
        with CaptureQueriesContext(connection) as queries:
            stream_json(article.body, request)
        return len(queries)

    assert queries_for(2) == queries_for(8)
