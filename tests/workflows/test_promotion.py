"""Promotion: a unit's published item proposed to the parent unit's feed.

The parent board reviews it; only once approved does the item appear in the
parent unit's listing in the API, still owned by its unit, never copied.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import WorkflowState

from content_types.models import NewsArticle, PageAudience, PageListing
from workflows.models import Promotion
from workflows.promotion import PromotionError, propose, withdraw

from .conftest import draft_news, fresh


def published_news(org, title="Nghị quyết của xã"):
    page = draft_news(org.units["grassroots"], org.people["grassroots-editor"], title=title)
    page.get_latest_revision().publish()
    return NewsArticle.objects.get(pk=page.pk)


def feed_ids(client, unit):
    response = client.get("/api/v2/pages/", {"unit": unit.pk})
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def actors(promotion, org):
    promotion = Promotion.objects.get(pk=promotion.pk)
    task = promotion.current_workflow_task
    return {name for name, user in org.people.items() if task.get_actions(promotion, fresh(user))}


def act(promotion, user, action, **kwargs):
    promotion = Promotion.objects.get(pk=promotion.pk)
    state = promotion.current_workflow_task_state
    state.task.specific.on_action(state, fresh(user), action, **kwargs)


def test_proposed_rejected_resubmitted_approved_then_listed_by_the_parent(org, client):
    page = published_news(org)
    district = org.units["district"]
    editor = org.people["grassroots-editor"]
    promotion = propose(page, fresh(editor), note="Cả huyện nên đọc")
    assert promotion.unit == district and promotion.source_unit == org.units["grassroots"]
    assert page.pk not in feed_ids(client, district)

    # Only the district's board acts: not the unit's own board, a sibling or the province.
    assert actors(promotion, org) == {"district-reviewer", "district-approver"}
    with pytest.raises(PermissionDenied):
        act(promotion, org.people["grassroots-approver"], "approve")

    act(promotion, org.people["district-reviewer"], "reject", comment="Thiếu ngày ban hành")
    promotion.refresh_from_db()
    assert promotion.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert page.pk not in feed_ids(client, district)

    propose(page, fresh(editor), note="Đã bổ sung")
    assert Promotion.objects.filter(page=page).count() == 1
    assert actors(promotion, org) == {"district-reviewer", "district-approver"}
    act(promotion, org.people["district-approver"], "approve")

    promotion.refresh_from_db()
    assert promotion.live
    assert PageListing.objects.filter(page=page, unit=district).exists()
    assert page.pk in feed_ids(client, district)
    # Still the grassroots unit's item, and the only copy of it.
    assert PageAudience.objects.get(page=page).unit == org.units["grassroots"]
    assert NewsArticle.objects.filter(title=page.title).count() == 1
    assert page.pk not in feed_ids(client, org.units["district_2"])

    withdraw(promotion, fresh(editor))
    assert page.pk not in feed_ids(client, district)


@pytest.mark.parametrize(
    ("who", "code"),
    [("district_2-editor", "forbidden"), ("district-editor", "forbidden")],
)
def test_only_the_owning_units_board_may_propose(org, who, code):
    page = published_news(org)
    with pytest.raises(PromotionError) as error:
        propose(page, fresh(org.people[who]))
    assert error.value.code == code


def test_a_draft_cannot_be_proposed_nor_proposed_twice(org):
    editor = org.people["grassroots-editor"]
    draft = draft_news(org.units["grassroots"], editor, title="Bản nháp")
    with pytest.raises(PromotionError) as error:
        propose(draft, fresh(editor))
    assert error.value.code == "not_live"
    page = published_news(org)
    propose(page, fresh(editor))
    with pytest.raises(PromotionError) as error:
        propose(page, fresh(editor))
    assert error.value.code == "in_review"


def test_proposing_in_the_admin_reaches_the_parent_boards_dashboard(org, client):
    page = published_news(org, title="Tin nổi bật của xã")
    client.force_login(org.people["grassroots-editor"])
    explorer = client.get(reverse("wagtailadmin_explore", args=(page.get_parent().pk,)))
    assert reverse("workflows_propose", args=(page.pk,)) in explorer.content.decode()
    response = client.get(reverse("workflows_propose", args=(page.pk,)))
    assert response.status_code == 200
    client.post(reverse("workflows_propose", args=(page.pk,)), {"note": "Đề nghị"})
    assert Promotion.objects.filter(page=page, unit=org.units["district"]).exists()

    client.force_login(org.people["district-reviewer"])
    assert "Tin nổi bật của xã" in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(org.people["district_2-reviewer"])
    assert "Tin nổi bật của xã" not in client.get(reverse("wagtailadmin_home")).content.decode()
    # Wagtail turns a refusal into a redirect to the dashboard; nothing is proposed.
    other = published_news(org, title="Tin khác")
    client.force_login(org.people["district_2-editor"])
    response = client.post(reverse("workflows_propose", args=(other.pk,)), {"note": ""})
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert not Promotion.objects.filter(page=other).exists()


def test_the_parent_board_approves_in_the_snippet_editor_others_cannot_open_it(org, client):
    page = published_news(org, title="Tin đề xuất")
    promotion = propose(page, fresh(org.people["grassroots-editor"]))
    edit_url = reverse("wagtailsnippets_workflows_promotion:edit", args=(promotion.pk,))
    listing_url = reverse("wagtailsnippets_workflows_promotion:list")

    client.force_login(org.people["district_2-approver"])
    assert client.get(edit_url).status_code in (302, 403)
    assert "Tin đề xuất" not in client.get(listing_url).content.decode()

    client.force_login(org.people["district-reviewer"])
    assert client.get(edit_url).status_code == 200
    assert "Tin đề xuất" in client.get(listing_url).content.decode()
    state = Promotion.objects.get(pk=promotion.pk).current_workflow_task_state
    action_url = reverse(
        "wagtailsnippets_workflows_promotion:workflow_action",
        args=(promotion.pk, "approve", state.pk),
    )
    client.post(action_url, {"comment": "Đồng ý"})
    assert PageListing.objects.filter(page=page, unit=org.units["district"]).exists()
