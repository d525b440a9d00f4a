"""Admin registration: promotions, the propose button, the moderation report.

The promotions' permission policy (``workflows.permissions``) is registered by
``WorkflowsConfig.ready()``.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import SubmitForModerationMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.widgets import Button
from wagtail.models import WorkflowState
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from content_types.wagtail_hooks.scoping import InstanceScopedViews
from editorial.permissions import board_roles, is_platform_admin, may_see_reports

from .listing import with_specific_steps
from .models import Promotion, UnitResolvedTask
from .permissions import promotion_permission_policy
from .promotion import PROMOTABLE_TYPES
from .views import ModerationReportView, ProposeView, WithdrawPromotionView


class PromotionViewSet(InstanceScopedViews, SnippetViewSet):
    model = Promotion
    icon = "upload"
    menu_label = _("Promotions")
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["__str__", "source_unit", "unit", "proposed_by", "created_at"]
    edit_handler = ObjectList([FieldPanel("note")])

    def get_queryset(self, request):
        return promotion_permission_policy.instances_user_has_permission_for(
            request.user, "view"
        ).select_related("page", "unit", "source_unit", "proposed_by")


register_snippet(PromotionViewSet)


class ModerationReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_reports(request.user)


@hooks.register("register_admin_urls")
def register_workflow_urls():
    return [
        path("moderation-report/", ModerationReportView.as_view(), name="moderation_report"),
        path("promote/<int:page_id>/", ProposeView.as_view(), name="workflows_propose"),
        path(
            "promotions/<int:promotion_id>/withdraw/",
            WithdrawPromotionView.as_view(),
            name="workflows_withdraw_promotion",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_moderation_report_menu_item():
    return ModerationReportMenuItem(
        _("Moderation report"),
        reverse("moderation_report"),
        name="moderation-report",
        icon_name="tasks",
        order=1310,
    )


def _propose_button(page, user, priority):
    # No query here (the explorer lists many pages): the view checks the unit.
    if not page.live or not issubclass(page.specific_class or object, PROMOTABLE_TYPES):
        return None
    if not (is_platform_admin(user) or board_roles(user)):
        return None
    return Button(
        _("Propose to the parent unit"),
        url=reverse("workflows_propose", args=(page.pk,)),
        icon_name="upload",
        priority=priority,
    )


@hooks.register("register_page_listing_more_buttons")
def page_listing_propose_button(page, user, next_url=None):
    button = _propose_button(page, user, priority=55)
    if button:
        yield button


@hooks.register("register_page_header_buttons")
def page_header_propose_button(page, user, view_name, next_url=None):
    button = _propose_button(page, user, priority=70)
    if button:
        yield button


@hooks.register("construct_explorer_page_queryset")
def explorer_loads_steps_at_once(parent_page, pages, request):
    return with_specific_steps(pages)


class ResubmitFromFirstStepMenuItem(SubmitForModerationMenuItem):
    """Names the step a resubmission really goes to: our steps restart at the first."""

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        page = context.get("page")
        state = page.current_workflow_state if page else None
        if state and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            rejected = state.current_task_state.task.specific
            first = state.workflow.tasks.filter(active=True).first()
            if isinstance(rejected, UnitResolvedTask) and first is not None:
                context["label"] = _("Resubmit to %(task_name)s") % {"task_name": first.name}
        return context


@hooks.register("construct_page_action_menu")
def resubmit_from_first_step(menu_items, request, context):
    for position, item in enumerate(menu_items):
        if type(item) is SubmitForModerationMenuItem:
            menu_items[position] = ResubmitFromFirstStepMenuItem(order=item.order)
