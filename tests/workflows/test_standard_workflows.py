"""The standard workflow of each level, walked end to end.

At every step exactly the people resolved from the owning unit may act: the
reviewers, deputy head or head of that unit's board. Reviewers of sibling
units, of child units and of parent units are refused, as are the editors.
"""

import html
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.models import PageLogEntry, TaskState, WorkflowPage, WorkflowState

from content_types.factories import news_index
from content_types.models import NewsArticle
from workflows.models import StandardWorkflowKey
from workflows.standard import ensure_standard_workflows

from .conftest import draft_news, fresh, submit

# Per step: who may act (the first one does). The deputy head is a reviewer too.
STEPS = {
    "branch": [("branch-approver",)],
    "grassroots": [("grassroots-approver",)],
    "district": [("district-reviewer",), ("district-approver",)],
    "province": [
        ("province-reviewer", "province-deputy"),
        ("province-deputy",),
        ("province-approver",),
    ],
}


def actors(page, org):
    """Usernames of the people the current step offers an action to."""
    page = NewsArticle.objects.get(pk=page.pk)
    task = page.current_workflow_task
    return {name for name, user in org.people.items() if task.get_actions(page, fresh(user))}


@pytest.mark.parametrize("level", list(STEPS))
def test_each_level_walks_its_steps_with_only_the_resolved_people(org, level):
    editor = org.people[f"{level}-editor"]
    page = draft_news(org.units[level], editor)
    state = submit(page, editor)
    for step in STEPS[level]:
        assert actors(page, org) == set(step), step
        task_state = WorkflowState.objects.get(pk=state.pk).current_task_state.specific
        outsider = org.people["district_2-reviewer"]
        with pytest.raises(PermissionDenied):
            task_state.task.specific.on_action(task_state, fresh(outsider), "approve")
        task_state.task.specific.on_action(task_state, fresh(org.people[step[0]]), "approve")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert NewsArticle.objects.get(pk=page.pk).live


def test_every_unit_home_gets_its_levels_workflow(org):
    workflows = ensure_standard_workflows()
    expected = {
        "province": StandardWorkflowKey.PROVINCE,
        "district": StandardWorkflowKey.DISTRICT,
        "grassroots": StandardWorkflowKey.BASIC,
        "branch": StandardWorkflowKey.BASIC,
    }
    for level, key in expected.items():
        home = org.units[level].home_page
        assert WorkflowPage.objects.get(page=home).workflow == workflows[key]


def test_an_administrator_override_on_a_subtree_wins(org):
    workflows = ensure_standard_workflows()
    index = news_index(org.units["district"])
    WorkflowPage.objects.create(page=index, workflow=workflows[StandardWorkflowKey.BASIC])
    editor = org.people["district-editor"]
    page = draft_news(org.units["district"], editor)
    submit(page, editor)
    assert actors(page, org) == {"district-approver"}


def test_an_approver_cannot_approve_their_own_submission(org):
    approver = org.people["grassroots-approver"]
    page = draft_news(org.units["grassroots"], approver)
    submit(page, approver)
    assert actors(page, org) == set()
    page = NewsArticle.objects.get(pk=page.pk)
    assert page.current_workflow_task.locked_for_user(page, fresh(approver))


def test_rejection_needs_a_comment_and_a_resubmission_starts_from_the_first_step(org, client):
    editor = org.people["district-editor"]
    reviewer, head = org.people["district-reviewer"], org.people["district-approver"]
    page = draft_news(org.units["district"], editor)
    state = submit(page, editor)
    state.current_task_state.specific.task.specific.on_action(
        state.current_task_state.specific, fresh(reviewer), "approve"
    )
    state.refresh_from_db()
    task_state = state.current_task_state.specific
    with pytest.raises(ValidationError):
        task_state.task.specific.on_action(task_state, fresh(head), "reject", comment=" ")

    # In the admin, "Request changes" without a comment changes nothing.
    client.force_login(head)
    url = reverse("wagtailadmin_pages:workflow_action", args=(page.pk, "reject", task_state.pk))
    client.post(url, {"comment": ""})
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_IN_PROGRESS
    client.post(url, {"comment": "Sửa tiêu đề"})
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES

    # The editor sees the comment on the page's edit screen, then resubmits.
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    edit = client.get(edit_url, HTTP_ACCEPT_LANGUAGE="en")
    assert "Sửa tiêu đề" in edit.content.decode()
    # Its button names the step the resubmission goes to: the first one.
    first_step = state.workflow.tasks.first().name
    submit_button = re.search(r'name="action-submit" value="([^"]*)"', edit.content.decode())
    assert submit_button and html.unescape(submit_button.group(1)).endswith(first_step)
    page.save_revision(user=editor)
    state.resume(editor)
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert actors(page, org) == {"district-reviewer"}

    log = PageLogEntry.objects.filter(page=page).order_by("pk")
    actions = [(entry.action, entry.user_id) for entry in log if "workflow" in entry.action]
    assert ("wagtail.workflow.start", editor.pk) in actions
    assert ("wagtail.workflow.approve", reviewer.pk) in actions
    assert ("wagtail.workflow.reject", head.pk) in actions
    reject = log.get(action="wagtail.workflow.reject")
    assert reject.data["comment"] == "Sửa tiêu đề"


def test_only_the_resolved_reviewers_are_notified_by_email(org):
    editor = org.people["district-editor"]
    page = draft_news(org.units["district"], editor)
    mail.outbox.clear()
    submit(page, editor)
    recipients = {address for message in mail.outbox for address in message.to}
    # Wagtail also e-mails superusers on submission; there are none here.
    assert recipients == {org.people["district-reviewer"].email}


def test_the_dashboard_lists_the_task_for_the_resolved_reviewer_only(org, client):
    editor = org.people["grassroots-editor"]
    page = draft_news(org.units["grassroots"], editor, title="Nghị quyết xã")
    submit(page, editor)
    client.force_login(org.people["grassroots-approver"])
    assert "Nghị quyết xã" in client.get(reverse("wagtailadmin_home")).content.decode()
    for other in ("grassroots_2-approver", "district-approver", "branch-approver"):
        client.force_login(org.people[other])
        assert "Nghị quyết xã" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_an_outsider_cannot_act_through_the_admin(org, client):
    editor = org.people["grassroots-editor"]
    page = draft_news(org.units["grassroots"], editor)
    state = submit(page, editor)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(page.pk, "approve", state.current_task_state_id),
    )
    for other in ("grassroots_2-approver", "branch-approver", "district-reviewer"):
        client.force_login(org.people[other])
        response = client.post(url, {"comment": ""})
        assert response.status_code in (302, 403)
        assert not NewsArticle.objects.get(pk=page.pk).live
    client.force_login(org.people["grassroots-approver"])
    client.post(url, {"comment": ""})
    assert NewsArticle.objects.get(pk=page.pk).live
