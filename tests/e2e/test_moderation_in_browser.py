"""A grassroots news item written, submitted and approved in a real browser.

Debian's Chromium, driven by Playwright against the live test server: the
unit's editor logs into the Wagtail admin, writes a news item and submits it;
the unit's approver logs in and approves it; the public API then returns it.
A screenshot of each step is kept under ``test-output/e2e/<test>/``.
"""

import json
from urllib.parse import urlencode

import pytest
from wagtail.models import Page
from wagtail.users.models import UserProfile

from content_types.models import NewsArticle, NewsIndexPage
from editorial.factories import UserFactory, make_unit
from editorial.models import BoardRole, UnitLevel
from editorial.provisioning import add_board_member, provision_board

PASSWORD = "secret-pass-123"  # UserFactory's
TITLE = "Xã Dân Tiến ra quân làm đường nông thôn"


def grassroots_with_board_team():
    province = make_unit(
        "TN", level=UnitLevel.PROVINCE, name="Tỉnh ủy Thái Nguyên", short_name="TU"
    )
    district = make_unit("DT", parent=province, level=UnitLevel.DISTRICT, short_name="HU")
    grassroots = make_unit(
        "DT-X1", parent=district, level=UnitLevel.GRASSROOTS, name="Đảng bộ xã Dân Tiến"
    )
    for unit in (province, district, grassroots):
        unit.refresh_from_db()
        provision_board(unit)
    grassroots.refresh_from_db()
    team = {}
    for role in (BoardRole.EDITOR, BoardRole.APPROVER):
        user = UserFactory(username=f"dan-tien-{role}")
        add_board_member(grassroots, user, role)
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = "en"  # English labels for the screenshots' readers
        profile.save()
        team[role] = user
    index = NewsIndexPage.objects.child_of(Page.objects.get(pk=grassroots.home_page_id)).get()
    return team, index


def log_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def open_action_menu(page):
    # The admin's scripts must have connected the dropdown before it is clicked.
    page.wait_for_load_state("networkidle")
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()


@pytest.mark.django_db(transaction=True)
def test_editor_submits_approver_approves_api_returns_it(live_server, browser, screenshot):
    _team, index = grassroots_with_board_team()
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # Generous: the suite runs on two workers beside PostgreSQL and OpenSearch.
    page.set_default_timeout(60_000)

    log_in(page, base, "dan-tien-editor")
    screenshot(page, "editor-dashboard")

    page.goto(f"{base}/admin/pages/add/content_types/newsarticle/{index.pk}/")
    page.fill("#id_title", TITLE)
    page.fill("#id_lead", "Người dân và đảng viên cùng làm 2 km đường bê tông.")
    page.locator("button.c-sf-add-button").first.click()
    page.get_by_role("option", name="Paragraph").click()
    editor_area = page.locator(".public-DraftEditor-content").first
    editor_area.click()
    editor_area.type("Sáng nay, hơn 200 người đã tham gia ngày ra quân.")
    # Draftail copies its content to the form's input after a pause in typing:
    # submitting before that would save an empty paragraph.
    page.wait_for_function(
        "() => document.querySelector('input[name=\"body-0-value\"]').value.includes('200')"
    )
    screenshot(page, "editor-writes-news")
    page.get_by_role("tab", name="Promote").click()
    page.fill("#id_slug", "ra-quan-lam-duong")

    open_action_menu(page)
    page.click("button[name='action-submit']")
    page.wait_for_load_state()
    screenshot(page, "editor-submitted")
    page.wait_for_url(f"{base}/admin/pages/{index.pk}/")
    article = NewsArticle.objects.get(title=TITLE)
    assert not article.live
    assert article.current_workflow_task is not None
    assert "200 người" in str(article.get_latest_revision().as_object().body)

    context.clear_cookies()
    log_in(page, base, "dan-tien-approver")
    assert TITLE in page.content()  # "Awaiting your review" on the dashboard
    screenshot(page, "approver-dashboard")

    page.goto(f"{base}/admin/pages/{article.pk}/edit/")
    approve = page.locator(
        "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
    ).first
    page.wait_for_load_state("networkidle")
    if not approve.is_visible():
        open_action_menu(page)
    approve.wait_for(state="visible")
    screenshot(page, "approver-opens-item")
    with page.expect_navigation():
        approve.click()
    page.wait_for_url(f"{base}/admin/pages/{index.pk}/")
    screenshot(page, "approver-approved")
    assert NewsArticle.objects.get(pk=article.pk).live

    query = urlencode({"type": "content_types.NewsArticle", "search": "ra quân làm đường"})
    page.goto(f"{base}/api/v2/pages/?{query}")
    screenshot(page, "public-api")
    response = context.request.get(f"{base}/api/v2/pages/?{query}")
    assert response.ok, response.text()
    titles = [item["title"] for item in json.loads(response.text())["items"]]
    assert TITLE in titles
    context.close()
