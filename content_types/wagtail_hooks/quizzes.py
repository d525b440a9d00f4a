"""Admin registrations for quizzes: the question bank and its categories.

Board members hold no Django model permissions on the bank (provisioning grants
page and collection permissions only), so its permission policy answers from
board memberships, as the bank of ready answers does: any board member lists,
adds and edits the questions of the units in their boards' subtrees; board
heads (approvers) also delete; platform administrators may do everything.
Categories are shared by every unit: board members may use and add them, only
platform administrators rename or delete them.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from editorial.permissions import board_roles, is_active_user, is_platform_admin

from ..models import QuestionCategory, QuizQuestion
from .scoping import (
    BoardScopedPermissionPolicy,
    InstanceScopedViews,
    OwnUnitsForm,
    owned_by_boards_of,
)

register_permission_policy(
    QuizQuestion, BoardScopedPermissionPolicy(QuizQuestion), exact_class=True
)


class QuestionCategoryPermissionPolicy(BasePermissionPolicy):
    SHARED_ACTIONS = frozenset({"add", "view"})

    def user_has_permission(self, user, action):
        if not is_active_user(user):
            return False
        if is_platform_admin(user):
            return True
        return action in self.SHARED_ACTIONS and bool(board_roles(user))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return QuestionCategory.objects.all()
        return QuestionCategory.objects.none()

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        users = get_user_model()._default_manager.filter(is_active=True)
        return users.filter(Q(is_superuser=True) | Q(board_memberships__isnull=False)).distinct()


register_permission_policy(
    QuestionCategory, QuestionCategoryPermissionPolicy(QuestionCategory), exact_class=True
)


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
        queryset = QuizQuestion.objects.select_related("unit", "category")
        return owned_by_boards_of(queryset, request.user)


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
