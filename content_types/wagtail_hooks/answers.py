"""Admin registration for content snippets: the bank of ready answers.

Board members get no Django model permissions on ``AnswerEntry`` (provisioning
grants page and collection permissions only), so the snippet's permission
policy answers from the board memberships instead: any board member may list,
add and edit answers of the units in their boards' subtrees; approvers also
publish and delete; platform administrators and superusers may do everything.
The policy is registered before the snippet so Wagtail never creates its
fallback (Django-permission) policy for the model.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from editorial.models import BoardRole, Unit
from editorial.permissions import board_roles, is_active_user, is_platform_admin

from ..models import AnswerEntry

EDIT_ACTIONS = frozenset({"add", "change", "view"})
HEAD_ACTIONS = EDIT_ACTIONS | {"publish", "delete"}


def board_scope(user):
    """``[(unit_path, actions)]`` for the user's active boards (cached per request
    by editorial.permissions)."""
    return [
        (path, HEAD_ACTIONS if role == BoardRole.APPROVER else EDIT_ACTIONS)
        for role, path, _unit_id in board_roles(user)
    ]


def answer_entries_for(user, actions=EDIT_ACTIONS):
    """The entries ``user`` may act on: their boards' unit subtrees, or all."""
    queryset = AnswerEntry.objects.all()
    if not is_active_user(user):
        return queryset.none()
    if is_platform_admin(user):
        return queryset
    condition = Q()
    for path, allowed in board_scope(user):
        if allowed & set(actions):
            condition |= Q(unit__path__startswith=path)
    return queryset.filter(condition) if condition else queryset.none()


class AnswerEntryPermissionPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        if not is_active_user(user):
            return False
        if is_platform_admin(user):
            return True
        return any(action in allowed for _path, allowed in board_scope(user))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if not is_active_user(user):
            return False
        if is_platform_admin(user):
            return True
        return any(
            action in allowed and instance.unit.path.startswith(path)
            for path, allowed in board_scope(user)
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, action, instance) for action in actions
        )

    def instances_user_has_any_permission_for(self, user, actions):
        return answer_entries_for(user, actions)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model

        users = get_user_model()._default_manager.filter(is_active=True)
        return users.filter(Q(is_superuser=True) | Q(board_memberships__isnull=False)).distinct()


register_permission_policy(AnswerEntry, AnswerEntryPermissionPolicy(AnswerEntry), exact_class=True)


class AnswerEntryForm(WagtailAdminModelForm):
    """Offers only the units the editor works for, so an answer cannot be filed
    under another unit's name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "unit" in self.fields and user is not None and not is_platform_admin(user):
            condition = Q()
            for path, _allowed in board_scope(user):
                condition |= Q(path__startswith=path)
            units = Unit.objects.active()
            self.fields["unit"].queryset = units.filter(condition) if condition else units.none()


class AnswerEntryViewSet(SnippetViewSet):
    model = AnswerEntry
    icon = "help"
    menu_label = _("Answers")
    add_to_admin_menu = True
    # The live status column is added by Wagtail for DraftStateMixin models.
    list_display = ["question", "category", "unit"]
    list_filter = ["category"]
    search_fields = ["question", "answer"]
    edit_handler = ObjectList(AnswerEntry.panels, base_form_class=AnswerEntryForm)

    def get_queryset(self, request):
        # A board member sees only the answers of their boards' subtrees.
        return answer_entries_for(request.user).select_related("unit")


register_snippet(AnswerEntryViewSet)
