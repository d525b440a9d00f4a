"""The explorer's "More" menus, written without templates, are Wagtail's menus:
the same buttons, links and attributes for every kind of row and person."""

import re

from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from wagtail.admin.wagtail_hooks import page_listing_buttons
from wagtail.admin.widgets import Button, ButtonWithDropdownFromHook

from content_types import factories
from editorial.explorer_buttons import DirectDropdown, button_html
from editorial.models import BoardRole


def normalised(html):
    """HTML with the whitespace next to tags (which templates add freely) removed."""
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


def menus_both_ways(page, user):
    request = RequestFactory().get("/admin/pages/")
    request.user = user
    context = {"request": request}
    (stock,) = page_listing_buttons(page=page, user=user, next_url="/admin/pages/2/")
    assert type(stock) is ButtonWithDropdownFromHook
    direct = DirectDropdown.replacing(stock)
    return normalised(stock.render_html(context)), normalised(direct.render_html(context))


def test_each_rows_menu_is_wagtails_menu(unit_tree, board_user):
    district = unit_tree.district
    editor = board_user(district, BoardRole.EDITOR)
    approver = board_user(district, BoardRole.APPROVER)
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    live = factories.publish_news(district, 'Tin "đã đăng" <b>&</b>')
    draft = factories.draft_news(district, "Tin nháp", user=editor)
    index = live.get_parent()

    for user in (editor, approver, admin):
        for page in (live.specific, draft.specific, index.specific):
            stock, direct = menus_both_ways(page, user)
            assert direct == stock
    # The menus really hold the buttons: an escaped title, edit and live links.
    stock, direct = menus_both_ways(live.specific, admin)
    assert "Tin &quot;đã đăng&quot; &lt;b&gt;&amp;&lt;/b&gt;" in direct
    assert reverse("wagtailadmin_pages:edit", args=[live.pk]) in direct
    assert 'data-controller="w-dropdown"' in direct and "icon-dots-horizontal" in direct


def test_a_button_with_its_own_template_keeps_it(rf):
    class Framed(Button):
        def render_html(self, parent_context=None):
            return "<b>framed</b>"

    plain = Button("Xem", url="/x/?a=1&b=2", icon_name="view", attrs={"rel": "noreferrer"})
    context = {"request": rf.get("/")}
    assert button_html(Framed("Khung"), context) == "<b>framed</b>"
    assert normalised(button_html(plain, context)) == normalised(plain.render_html(context))
    untyped = Button("Làm lại", attrs={"data-action": "w-action#post"})
    assert normalised(button_html(untyped, context)) == normalised(untyped.render_html(context))


def test_the_explorer_lists_each_rows_menu(unit_tree, board_user, client):
    district = unit_tree.district
    editor = board_user(district, BoardRole.EDITOR)
    pages = [factories.publish_news(district, f"Tin số {n}") for n in range(3)]
    client.force_login(editor)

    response = client.get(reverse("wagtailadmin_explore", args=[pages[0].get_parent().pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-controller="w-dropdown"') >= len(pages)
    for page in pages:
        assert reverse("wagtailadmin_pages:edit", args=[page.pk]) in html
        assert reverse("workflows_propose", args=[page.pk]) in html
