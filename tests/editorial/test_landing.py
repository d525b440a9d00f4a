"""A board member's admin opens on their own unit.

With Vietnamese and English, Wagtail's explorer starts at "Root" for every
board member (their rights sit in both language trees), four clicks above a
branch. A branch editor instead finds their unit on the dashboard (its pages
waiting for moderation, "New notice", "New meeting") and the sidebar's
explorer opening on their unit's home, in their language. A platform
administrator keeps Wagtail's dashboard and explorer; another unit's pages
are never listed.
"""

import json
import re

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import translation
from wagtail.models import GroupApprovalTask, Locale, Page, Workflow, WorkflowTask
from wagtail.users.models import UserProfile

from cms import urls as cms_urls
from content_types.factories import draft_news, news_index
from content_types.localization import ensure_locales
from editorial.landing import MEETING_CREATE_URL_NAME, UnitLandingPanel, landing_for
from editorial.models import BoardRole

pytestmark = pytest.mark.django_db


def _meeting_form(request):
    raise AssertionError("only linked to")


# With branch life's "new meeting" form, for the test that shows its action.
urlpatterns = [
    path("admin/branches/meetings/new/", _meeting_form, name=MEETING_CREATE_URL_NAME),
    path("", include(cms_urls)),
]


@pytest.fixture
def english(unit_tree):
    ensure_locales()
    return Locale.objects.get(language_code="en")


@pytest.fixture
def signed_in(client):
    def sign_in(user, language="en"):
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
        client.force_login(user)
        return user

    return sign_in


@pytest.fixture
def moderation():
    """A one-step workflow; ``submit(page, user)`` puts a page in it."""
    task = GroupApprovalTask.objects.create(name="Trưởng ban duyệt")
    workflow = Workflow.objects.create(name="Duyệt tin")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)

    def submit(page, user):
        page.save_revision(user=user)
        return workflow.start(page, user)

    return submit


def sidebar_explorer_start(response):
    """The start page id of the sidebar's "Pages" explorer, as the page sends it."""
    html = response.content.decode()
    match = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    props = json.loads(match.group(1))

    def find(node):
        if isinstance(node, dict):
            if node.get("_type") == "wagtail.sidebar.PageExplorerMenuItem":
                return node["_args"][-1]
            values = node.values()
        elif isinstance(node, list):
            values = node
        else:
            return None
        for value in values:
            found = find(value)
            if found is not None:
                return found
        return None

    return find(props)


def english_home(unit, english):
    return Page.objects.get(translation_key=unit.home_page.translation_key, locale=english)


def test_a_branch_editors_dashboard_opens_on_their_branch(
    unit_tree, english, board_user, signed_in, client, moderation
):
    editor = signed_in(board_user(unit_tree.branch, BoardRole.EDITOR))
    own = draft_news(unit_tree.branch, "Thông báo sinh hoạt chi bộ tháng 10", user=editor)
    moderation(own, editor)
    # Pages of the unit beside it, above it and in another district wait too.
    other_editor = board_user(unit_tree.branch_2, BoardRole.EDITOR)
    for unit, title in (
        (unit_tree.branch_2, "Tin của chi bộ xóm 2"),
        (unit_tree.grassroots, "Tin của đảng ủy xã"),
        (unit_tree.district_2, "Tin của thị ủy"),
    ):
        moderation(draft_news(unit, title, user=other_editor), other_editor)

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "data-unit-landing-unit>Unit DT-X1-C1<" in html
    assert "1 page waiting for moderation" in html
    assert "Thông báo sinh hoạt chi bộ tháng 10" in html
    assert reverse("wagtailadmin_pages:edit", args=[own.pk]) in html
    for title in ("Tin của chi bộ xóm 2", "Tin của đảng ủy xã", "Tin của thị ủy"):
        assert title not in html
    # "New notice" adds a news article to the branch's own news list (in the
    # editor's language).
    index = news_index(unit_tree.branch).get_translation(english)
    new_notice = reverse("wagtailadmin_pages:add", args=["content_types", "newsarticle", index.pk])
    assert f'href="{new_notice}"' in html
    assert "New notice" in html
    assert client.get(new_notice).status_code == 200
    # Their unit's pages, one click away.
    home = english_home(unit_tree.branch, english)
    assert reverse("wagtailadmin_explore", args=[home.pk]) in html


def test_the_dashboard_speaks_vietnamese_to_a_vietnamese_editor(
    unit_tree, english, board_user, signed_in, client
):
    signed_in(board_user(unit_tree.branch, BoardRole.EDITOR), language="vi")

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    with translation.override("vi"):
        assert str(translation.gettext("New notice")) in html
    index = news_index(unit_tree.branch)  # the Vietnamese tree's
    assert (
        reverse("wagtailadmin_pages:add", args=["content_types", "newsarticle", index.pk]) in html
    )


@override_settings(ROOT_URLCONF=__name__)
def test_new_meeting_is_offered_to_a_branch_once_branch_life_has_its_form(
    unit_tree, english, board_user, signed_in, client
):
    signed_in(board_user(unit_tree.branch, BoardRole.EDITOR))

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert f'href="/admin/branches/meetings/new/?unit={unit_tree.branch.pk}"' in html
    assert "New meeting" in html


@override_settings(ROOT_URLCONF=__name__)
def test_a_district_board_gets_no_meeting_action(
    unit_tree, english, board_user, signed_in, client
):
    signed_in(board_user(unit_tree.district, BoardRole.APPROVER))

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert "data-unit-landing-unit>Unit DT<" in html
    assert "New notice" in html
    assert "/admin/branches/meetings/new/" not in html


def test_the_explorer_opens_on_the_unit_home_in_the_editors_language(
    unit_tree, english, board_user, signed_in, client
):
    editor = signed_in(board_user(unit_tree.branch, BoardRole.EDITOR))

    response = client.get(reverse("wagtailadmin_home"))
    assert sidebar_explorer_start(response) == english_home(unit_tree.branch, english).pk

    signed_in(editor, language="vi")
    response = client.get(reverse("wagtailadmin_home"))
    assert sidebar_explorer_start(response) == unit_tree.branch.home_page_id

    # The unit's home lists its own pages; both language trees stay reachable.
    response = client.get(reverse("wagtailadmin_explore", args=[unit_tree.branch.home_page_id]))
    assert response.status_code == 200
    assert "Tin tức" in response.content.decode()
    english_tree = english_home(unit_tree.branch, english)
    response = client.get(reverse("wagtailadmin_explore", args=[english_tree.pk]))
    assert response.status_code == 200


def test_a_platform_administrator_keeps_wagtails_dashboard_and_explorer(
    unit_tree, english, board_user, signed_in, client, moderation
):
    admin = signed_in(board_user(unit_tree.province, BoardRole.PLATFORM_ADMIN))
    editor = board_user(unit_tree.branch, BoardRole.EDITOR)
    moderation(draft_news(unit_tree.branch, "Tin chờ duyệt", user=editor), editor)

    response = client.get(reverse("wagtailadmin_home"))

    html = response.content.decode()
    assert "data-unit-landing-unit" not in html
    assert "New notice" not in html
    assert sidebar_explorer_start(response) == Page.get_first_root_node().pk
    assert admin.is_active


def test_a_user_on_no_board_gets_no_unit_panel(db, client, signed_in, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.org", "x-pass-123")
    signed_in(user)

    html = client.get(reverse("wagtailadmin_home")).content.decode()

    assert "data-unit-landing-unit" not in html


def test_a_grassroots_editor_lands_on_their_unit_not_a_branch_below(
    unit_tree, english, board_user, signed_in, client, moderation
):
    """On two boards (a committee and a branch below it), the higher unit is
    the landing; its own waiting pages are listed, not the branch's."""
    editor = board_user(unit_tree.grassroots, BoardRole.REVIEWER)
    board_user(unit_tree.branch, BoardRole.EDITOR, username=editor.username)
    signed_in(editor)
    branch_editor = board_user(unit_tree.branch, BoardRole.EDITOR, username="chibo")
    moderation(
        draft_news(unit_tree.branch, "Tin chi bộ chờ duyệt", user=branch_editor), branch_editor
    )
    moderation(draft_news(unit_tree.grassroots, "Tin xã chờ duyệt", user=editor), editor)

    response = client.get(reverse("wagtailadmin_home"))

    html = response.content.decode()
    assert "data-unit-landing-unit>Unit DT-X1<" in html
    assert "1 page waiting for moderation" in html
    assert "Tin xã chờ duyệt" in html
    assert "Tin chi bộ chờ duyệt" not in html
    assert sidebar_explorer_start(response) == english_home(unit_tree.grassroots, english).pk


def test_the_unit_panel_costs_the_same_with_more_waiting_pages(
    unit_tree, english, board_user, moderation, rf
):
    editor = board_user(unit_tree.branch, BoardRole.EDITOR)
    moderation(draft_news(unit_tree.branch, "Tin 1", user=editor), editor)

    def render():
        request = rf.get("/admin/")
        request.user = type(editor).objects.get(pk=editor.pk)
        with translation.override("en"), CaptureQueriesContext(connection) as queries:
            html = UnitLandingPanel(landing_for(request.user)).render_html({"request": request})
        return html, len(queries)

    html, one = render()
    assert "1 page waiting for moderation" in html
    for n in range(2, 13):
        moderation(draft_news(unit_tree.branch, f"Tin {n}", user=editor), editor)
    html, twelve = render()
    assert "12 pages waiting for moderation" in html
    assert html.count("data-unit-landing-waiting") == 10
    assert twelve == one
