"""``seed_demo_workflows``: items waiting at every level, safe to re-run."""

from io import StringIO

from django.core.management import call_command
from wagtail.models import WorkflowState

from content_types.models import NewsArticle
from editorial.models import CommitteeRole
from workflows.models import Promotion
from workflows.report import moderation_report

from .conftest import fresh


def test_the_demo_leaves_items_waiting_on_every_level_and_reruns_change_nothing(org):
    call_command("seed_demo_workflows", stdout=StringIO())
    states = WorkflowState.objects.count()
    call_command("seed_demo_workflows", stdout=StringIO())
    assert WorkflowState.objects.count() == states

    report = moderation_report(fresh(org.people["province-approver"]))
    waiting = {row.unit.code: row.count for row in report.rows}
    # The district has its own item and the grassroots unit's promotion.
    assert waiting == {"TN": 1, "DT": 2, "DT-X1": 1, "DT-X1-C1": 1}
    assert Promotion.objects.filter(unit=org.units["district"], live=False).count() == 1
    sent_back = NewsArticle.objects.get(slug="tra-lai-huyen")
    assert sent_back.current_workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert CommitteeRole.objects.filter(member__user__username="tn-deputy").exists()
