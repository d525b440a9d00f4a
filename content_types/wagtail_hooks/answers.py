"""Admin registration for the bank of ready answers, scoped to the boards that
own them: their permission policy (``content_types.permissions``) is registered
by the app's ``ready()``; see also ``scoping``."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from ..models import AnswerEntry
from ..permissions import answer_entry_permission_policy
from .scoping import InstanceScopedViews, OwnUnitsForm


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
        return answer_entry_permission_policy.instances_user_has_permission_for(
            request.user, "view"
        ).select_related("unit")


register_snippet(AnswerEntryViewSet)
