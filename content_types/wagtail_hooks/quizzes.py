"""Admin registrations for quizzes: the question bank and its categories.

Who may see and change what is decided by their permission policies
(``content_types.permissions``, registered by the app's ``ready()``): board
members work on the questions of the units in their boards' subtrees; they use
and add the shared categories, which only platform administrators rename or
delete.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from ..models import QuestionCategory, QuizQuestion
from ..permissions import quiz_question_permission_policy
from .scoping import InstanceScopedViews, OwnUnitsForm


class QuizQuestionForm(OwnUnitsForm):
    """Offers only the editor's own units as owner (the answer bank's rule);
    the choices are checked by ``QuizChoiceFormSet``."""


class QuizQuestionViewSet(InstanceScopedViews, SnippetViewSet):
    model = QuizQuestion
    icon = "list-ul"
    menu_label = _("Question bank")
    list_display = ["__str__", "category", "difficulty", "unit"]
    list_filter = ["category", "difficulty"]
    # The ORM search: the viewset's queryset is scoped through the unit's path,
    # which a search back end cannot filter on.
    search_backend_name = None
    search_fields = ["text", "explanation", "code"]
    edit_handler = ObjectList(QuizQuestion.panels, base_form_class=QuizQuestionForm)

    def get_queryset(self, request):
        # A board member sees only the questions of their boards' subtrees.
        return quiz_question_permission_policy.instances_user_has_permission_for(
            request.user, "view"
        ).select_related("unit", "category")


class QuestionCategoryViewSet(SnippetViewSet):
    model = QuestionCategory
    icon = "tag"
    menu_label = _("Question categories")
    list_display = ["name"]
    search_backend_name = None
    search_fields = ["name"]


class QuizBankGroup(SnippetViewSetGroup):
    items = (QuizQuestionViewSet, QuestionCategoryViewSet)
    menu_icon = "list-ul"
    menu_label = _("Question bank")
    menu_name = "question-bank"


register_snippet(QuizBankGroup)
