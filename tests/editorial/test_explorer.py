"""The page explorer at city scale (``editorial.explorer``): the pages, rows
and filters Wagtail shows, at a cost that does not grow with the list."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.admin.viewsets.pages import page_viewset_registry
from wagtail.models import Page, PageLogEntry

from content_types import factories
from content_types.models import NewsIndexPage
from editorial.explorer import UnitExplorerView, page_editors, page_owners
from editorial.models import BoardRole


def listed_titles(html):
    """The titles of the explorer's rows."""
    return set(
        re.findall(r'id="page_\d+_title">\s*(?:<svg.*?</svg>)?\s*([^<]+?)\s*</span>', html, re.S)
    )


def explore(client, page, query=""):
    response = client.get(reverse("wagtailadmin_explore", args=[page.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_every_page_type_is_explored_by_the_unit_explorer():
    for model in (Page, NewsIndexPage):
        viewset = page_viewset_registry.get_by_parent_model(model)
        assert viewset.index_view_class is UnitExplorerView


def test_an_editor_sees_all_of_their_news_list(client, unit_tree, board_user):
    editor = board_user(unit_tree.district)
    colleague = board_user(unit_tree.district, BoardRole.APPROVER)
    live = factories.publish_news(unit_tree.district, "Tin đã đăng")
    factories.draft_news(unit_tree.district, "Tin nháp của đồng chí", user=colleague)
    client.force_login(editor)

    titles = listed_titles(explore(client, live.get_parent()))

    assert titles == {"Tin đã đăng", "Tin nháp của đồng chí"}


def test_a_search_in_the_explorer_names_each_results_parent(client, unit_tree, board_user):
    """The "Parent" column is not loaded, but a search still says where each result is."""
    client.force_login(board_user(unit_tree.district))
    factories.publish_news(unit_tree.district, "Hội nghị tổng kết")
    home = Page.objects.get(pk=unit_tree.district.home_page_id)

    html = explore(client, home, "?q=tổng+kết&search_all=1")

    assert "Hội nghị tổng kết" in html
    news_list = NewsIndexPage.objects.child_of(home).get()
    assert reverse("wagtailadmin_explore", args=[news_list.pk]) in html


def test_the_owner_filter_offers_the_page_owners(unit_tree, board_user):
    editor = board_user(unit_tree.district)
    other = board_user(unit_tree.district_2)
    board_user(unit_tree.grassroots)  # owns nothing
    for user, unit in ((editor, unit_tree.district), (other, unit_tree.district_2)):
        page = factories.publish_news(unit, f"Tin của {user.username}")
        Page.objects.filter(pk=page.pk).update(owner=user)
    owners = set(Page.objects.exclude(owner=None).values_list("owner_id", flat=True))

    assert set(page_owners().values_list("pk", flat=True)) == owners
    assert {editor.pk, other.pk} <= owners


def test_the_edited_by_filter_offers_those_who_edited_a_page(unit_tree, board_user):
    editor = board_user(unit_tree.district)
    approver = board_user(unit_tree.district, BoardRole.APPROVER)
    publisher = board_user(unit_tree.district_2)
    page = factories.publish_news(unit_tree.district, "Tin được sửa")
    for user in (editor, approver, editor):
        PageLogEntry.objects.log_action(instance=page, action="wagtail.edit", user=user)
    PageLogEntry.objects.log_action(instance=page, action="wagtail.publish", user=publisher)
    edited = PageLogEntry.objects.filter(action="wagtail.edit").exclude(user=None)

    assert set(page_editors().values_list("pk", flat=True)) == set(
        edited.values_list("user_id", flat=True)
    )
    assert {editor.pk, approver.pk} <= set(page_editors().values_list("pk", flat=True))
    assert publisher not in page_editors()


def test_a_news_list_costs_the_same_queries_for_3_or_60_items(client, unit_tree, board_user):
    editor = board_user(unit_tree.district)
    first = factories.publish_news(unit_tree.district, "Tin 0")
    index = first.get_parent()
    client.force_login(editor)
    explore(client, index)  # the first request fills per-process caches

    def queries():
        with CaptureQueriesContext(connection) as captured:
            explore(client, index)
        return len(captured)

    for n in range(1, 3):
        factories.publish_news(unit_tree.district, f"Tin {n}")
    few = queries()
    for n in range(3, 60):
        factories.publish_news(unit_tree.district, f"Tin {n}")
    assert queries() == few
    assert len(listed_titles(explore(client, index))) == 50
