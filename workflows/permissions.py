"""Who may see and act on promotions in the admin.

The boards of both units see a promotion: the proposing unit's board (to
follow it) and the board it is proposed to (to review it). Nobody adds one
through the snippet screens (the page's "Propose" button does, with its
checks); the receiving unit's reviewers and head (or a board above) may publish
or unpublish it: they are the ones who approve it in the promotion workflow,
whose last approval publishes it under the approver's name.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from editorial.models import BoardRole
from editorial.permissions import board_roles, is_active_user, is_platform_admin

VIEW_ACTIONS = frozenset({"view", "change"})
PUBLISHERS = frozenset({BoardRole.REVIEWER, BoardRole.APPROVER})


def _paths(user, roles=None):
    return [path for role, path, _unit in board_roles(user) if roles is None or role in roles]


class PromotionPermissionPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        if not is_active_user(user):
            return False
        if is_platform_admin(user):
            return action != "add"
        if action in VIEW_ACTIONS:
            return bool(_paths(user))
        if action == "publish":
            return bool(_paths(user, PUBLISHERS))
        return False

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if is_platform_admin(user):
            return True
        if action in VIEW_ACTIONS:
            return any(
                instance.unit.path.startswith(path) or instance.source_unit.path.startswith(path)
                for path in _paths(user)
            )
        if action == "publish":
            return any(
                instance.unit.path.startswith(path) for path in _paths(user, {BoardRole.APPROVER})
            )
        return False

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, action, instance) for action in actions
        )

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = self.model._default_manager.all()
        if not self.user_has_any_permission(user, actions):
            return queryset.none()
        if is_platform_admin(user):
            return queryset
        condition = Q()
        for path in _paths(user):
            condition |= Q(unit__path__startswith=path) | Q(source_unit__path__startswith=path)
        return queryset.filter(condition)

    def users_with_any_permission(self, actions):
        users = get_user_model()._default_manager.filter(is_active=True)
        return users.filter(Q(is_superuser=True) | Q(board_memberships__isnull=False)).distinct()
