"""The standard workflows, one per level, assigned to a unit when it gets its home.

| level | steps after the editor submits |
| --- | --- |
| branch, grassroots | the unit's head (approver) |
| district, bloc | the unit's reviewers, then its head |
| province | the reviewers, the deputy head, the head |

A workflow is assigned on the unit's home page, so it covers the unit's
subtree until a deeper unit's home (with its own workflow) begins; an
administrator can assign another workflow to any page in the admin
(Settings → Workflows) and it takes over below that page. Promotions use the
"promotion" workflow: the board of the unit proposed to.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Workflow, WorkflowContentType, WorkflowPage, WorkflowTask

from editorial.models import UnitLevel

from .models import (
    ParentBoardApprovalTask,
    Promotion,
    StandardWorkflow,
    StandardWorkflowKey,
    UnitApprovalTask,
    UnitReviewTask,
)
from .reviewers import StepRole

LEVEL_WORKFLOWS = {
    UnitLevel.BRANCH: StandardWorkflowKey.BASIC,
    UnitLevel.GRASSROOTS: StandardWorkflowKey.BASIC,
    UnitLevel.DISTRICT: StandardWorkflowKey.DISTRICT,
    UnitLevel.BLOC: StandardWorkflowKey.DISTRICT,
    UnitLevel.PROVINCE: StandardWorkflowKey.PROVINCE,
}


def _tasks():
    """The shared task rows (one per kind of step, for every unit), by name."""
    review, _c = UnitReviewTask.objects.get_or_create(
        name=gettext("Review by the unit's reviewers")
    )
    deputy, _c = UnitApprovalTask.objects.get_or_create(
        name=gettext("Approval by the unit's deputy head"), defaults={"role": StepRole.DEPUTY_HEAD}
    )
    head, _c = UnitApprovalTask.objects.get_or_create(
        name=gettext("Approval by the unit's head"), defaults={"role": StepRole.HEAD}
    )
    parent, _c = ParentBoardApprovalTask.objects.get_or_create(
        name=gettext("Review by the parent unit's board"),
        defaults={"levels_up": 1, "role": StepRole.BOARD},
    )
    return {"review": review, "deputy": deputy, "head": head, "parent": parent}


def _definitions(tasks):
    return {
        StandardWorkflowKey.BASIC: (gettext("Branch and grassroots: head approves"), ["head"]),
        StandardWorkflowKey.DISTRICT: (
            gettext("District: reviewers, then head"),
            ["review", "head"],
        ),
        StandardWorkflowKey.PROVINCE: (
            gettext("Province: reviewers, deputy head, head"),
            ["review", "deputy", "head"],
        ),
        StandardWorkflowKey.PROMOTION: (
            gettext("Promotion: the parent unit's board"),
            ["parent"],
        ),
    }


@transaction.atomic
def ensure_standard_workflows():
    """Create the standard workflows and their tasks if missing. Idempotent; never
    changes a standard workflow an administrator has edited."""
    rows = StandardWorkflow.objects.select_related("workflow")
    existing = {row.key: row.workflow for row in rows}
    if len(existing) == len(StandardWorkflowKey):
        return existing
    with translation.override(settings.LANGUAGE_CODE):
        tasks = _tasks()
        for key, (name, steps) in _definitions(tasks).items():
            if key in existing:
                continue
            workflow = Workflow.objects.create(name=name)
            for order, step in enumerate(steps):
                WorkflowTask.objects.create(workflow=workflow, task=tasks[step], sort_order=order)
            StandardWorkflow.objects.create(key=key, workflow=workflow)
            existing[key] = workflow
    WorkflowContentType.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Promotion),
        defaults={"workflow": existing[StandardWorkflowKey.PROMOTION]},
    )
    return existing


def standard_workflow_for(unit):
    return ensure_standard_workflows()[LEVEL_WORKFLOWS[unit.level]]


def assign_standard_workflow(unit):
    """Give the unit's home page its level's workflow, unless one is assigned there."""
    if not unit.home_page_id:
        return None
    assignment, _created = WorkflowPage.objects.get_or_create(
        page_id=unit.home_page_id, defaults={"workflow": standard_workflow_for(unit)}
    )
    return assignment.workflow
