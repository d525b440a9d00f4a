"""Attacks on the admin's page screens and the groups Wagtail ships with.

Each test names the finding of issue 13 it guards.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupCollectionPermission, GroupPagePermission, Locale, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from content_types.localization import ensure_locales
from content_types.models import Audience, NewsArticle, NewsIndexPage
from editorial.factories import UserFactory
from editorial.models import BoardRole


def news_form(title):
    return nested_form_data(
        {
            "title": title,
            "slug": "tin-moi",
            "lead": "Tóm tắt.",
            "body": streamfield([("paragraph", rich_text("<p>Nội dung.</p>"))]),
            "category": "province",
            "date": "2026-12-01",
            "audience": Audience.PUBLIC,
            "comments": inline_formset([]),
            "action-publish": "on",
        }
    )


def test_creating_and_publishing_a_page_in_one_step_succeeds(client, unit_tree, board_user):
    """issue 13 #15: create-and-publish in one step answered 500 (wagtail-localize's
    ``after_create_page`` against the project's mirroring), though the page was made."""
    ensure_locales()
    english = Locale.objects.get(language_code="en")
    head = board_user(unit_tree.district, BoardRole.APPROVER)
    client.force_login(head)
    index = NewsIndexPage.objects.child_of(Page.objects.get(pk=unit_tree.district.home_page_id))
    url = reverse("wagtailadmin_pages:add", args=["content_types", "newsarticle", index.get().pk])

    response = client.post(url, news_form("Tin mới của huyện"))

    assert response.status_code == 302
    article = NewsArticle.objects.get(title="Tin mới của huyện", locale__language_code="vi")
    assert article.live
    mirror = Page.objects.get(translation_key=article.translation_key, locale=english)
    assert mirror.alias_of_id == article.pk


@pytest.mark.parametrize("group_name", ["Moderators", "Editors"])
def test_wagtails_default_groups_grant_nothing_on_the_tree(client, unit_tree, group_name):
    """issue 13 #17: Wagtail's "Moderators" and "Editors" groups kept whole-tree page
    and collection rights, so anyone later added to them got the whole tree."""
    user = UserFactory(username="added-later")
    user.groups.add(Group.objects.get(name=group_name))
    client.force_login(user)
    province_home = Page.objects.get(pk=unit_tree.province.home_page_id)

    assert not GroupPagePermission.objects.filter(group__name=group_name).exists()
    assert not GroupCollectionPermission.objects.filter(group__name=group_name).exists()
    assert not province_home.permissions_for_user(user).can_edit()
    assert not province_home.permissions_for_user(user).can_add_subpage()
    edit = reverse("wagtailadmin_pages:edit", args=[province_home.pk])
    assert client.get(edit).status_code in (302, 403)
