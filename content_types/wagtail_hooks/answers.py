"""Admin registration for the bank of ready answers, scoped to the boards that
own them (see ``scoping``)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import AnswerEntry
from .scoping import (
    BoardScopedPermissionPolicy,
    InstanceScopedViews,
    OwnUnitsForm,
    owned_by_boards_of,
)

register_permission_policy(AnswerEntry, BoardScopedPermissionPolicy(AnswerEntry), exact_class=True)


class AnswerEntryViewSet(InstanceScopedViews, SnippetViewSet):
    model = AnswerEntry
    icon = "help"
    menu_label = _("Answers")
    add_to_admin_menu = True
    # The live status column is added by Wagtail for DraftStateMixin models.
    list_display = ["question", "category", "unit"]
    list_filter = ["category"]
    search_fields = ["question", "answer"]
    edit_handler = ObjectList(AnswerEntry.panels, base_form_class=OwnUnitsForm)

    def get_queryset(self, request):
        # A board member sees only the answers of their boards' subtrees.
        return owned_by_boards_of(AnswerEntry.objects.all(), request.user).select_related("unit")


register_snippet(AnswerEntryViewSet)
