"""The explorer lists a page's children without Wagtail's per-child check only
inside the editor's own subtree (``editorial.explorer``): above it, and while
searching, an editor still sees nothing of the units beside theirs."""

from django.urls import reverse
from wagtail.models import Page

from content_types import factories
from content_types.models import NewsIndexPage
from editorial.models import BoardRole
from editorial.provisioning import add_board_member


def explore(client, page, query=""):
    response = client.get(reverse("wagtailadmin_explore", args=[page.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_above_their_units_an_editor_sees_only_the_way_down_to_them(client, unit_tree, board_user):
    """An editor of two grassroots units explores from their district's home
    page: it lists those units' homes, and nothing of the district's own."""
    editor = board_user(unit_tree.grassroots)
    add_board_member(unit_tree.grassroots_2, editor, BoardRole.EDITOR)
    district_home = Page.objects.get(pk=unit_tree.district.home_page_id)
    district_news = NewsIndexPage.objects.child_of(district_home).get()
    factories.publish_news(unit_tree.district, "Tin riêng của huyện")
    client.force_login(editor)

    html = explore(client, district_home)

    for unit in (unit_tree.grassroots, unit_tree.grassroots_2):
        assert reverse("wagtailadmin_explore", args=[unit.home_page_id]) in html
    assert reverse("wagtailadmin_explore", args=[district_news.pk]) not in html
    assert reverse("wagtailadmin_pages:edit", args=[district_news.pk]) not in html
    assert "Tin riêng của huyện" not in explore(client, district_home, "?q=tin&search_all=1")


def test_an_editors_search_finds_nothing_of_another_district(client, unit_tree, board_user):
    factories.publish_news(unit_tree.district, "Hội nghị của huyện mình")
    factories.publish_news(unit_tree.district_2, "Hội nghị của huyện bạn")
    district_home = Page.objects.get(pk=unit_tree.district.home_page_id)
    client.force_login(board_user(unit_tree.district))

    for query in (
        "?q=hội+nghị&search_all=1",
        "?q=hội+nghị",
        "?has_child_pages=false&search_all=1",
    ):
        html = explore(client, district_home, query)
        assert "huyện bạn" not in html
    assert "huyện mình" in explore(client, district_home, "?q=hội+nghị&search_all=1")


def test_an_editor_cannot_list_another_districts_news(client, unit_tree, board_user):
    other_news = factories.publish_news(unit_tree.district_2, "Tin của huyện bạn")
    client.force_login(board_user(unit_tree.district, BoardRole.APPROVER))

    response = client.get(reverse("wagtailadmin_explore", args=[other_news.get_parent().pk]))

    assert (
        response.status_code in (302, 403) or "Tin của huyện bạn" not in response.content.decode()
    )
