"""Who may see and act on promotions in the admin.

The boards of both units see a promotion: the proposing unit's board (to
follow it) and the board it is proposed to (to review it). Nobody adds one
through the snippet screens (the page's "Propose" button does, with its
checks); the receiving unit's reviewers and head (or a board above) may publish
or unpublish it: they are the ones who approve it in the promotion workflow,
whose last approval publishes it under the approver's name.

``WorkflowsConfig.ready()`` registers the policy with
``register_permission_policies()``.
"""

from django.db.models import Q
from wagtail.permissions import register_permission_policy

from editorial.models import BoardRole
from editorial.permission_policies import BoardPermissionPolicy
from editorial.permissions import board_roles

from .models import Promotion

VIEW_ACTIONS = frozenset({"view", "change"})
PUBLISHERS = frozenset({BoardRole.REVIEWER, BoardRole.APPROVER})


def board_paths(user, roles=None):
    """The unit paths of the user's boards, of the given roles or of any."""
    return [path for role, path, _unit in board_roles(user) if roles is None or role in roles]


class PromotionPermissionPolicy(BoardPermissionPolicy):
    def platform_admin_has_permission(self, action):
        return action != "add"

    def board_member_has_permission(self, user, action):
        if action in VIEW_ACTIONS:
            return bool(board_paths(user))
        if action == "publish":
            return bool(board_paths(user, PUBLISHERS))
        return False

    def board_member_has_permission_for_instance(self, user, action, instance):
        if action in VIEW_ACTIONS:
            return any(
                instance.unit.path.startswith(path) or instance.source_unit.path.startswith(path)
                for path in board_paths(user)
            )
        if action == "publish":
            # The receiving unit's head, or a board above it.
            return any(
                instance.unit.path.startswith(path)
                for path in board_paths(user, {BoardRole.APPROVER})
            )
        return False

    def board_member_filter(self, user, actions):
        if not any(self.board_member_has_permission(user, action) for action in actions):
            return None
        condition = Q()
        for path in board_paths(user):
            condition |= Q(unit__path__startswith=path) | Q(source_unit__path__startswith=path)
        return condition


promotion_permission_policy = PromotionPermissionPolicy(Promotion)


def register_permission_policies():
    """Called from ``WorkflowsConfig.ready()``."""
    register_permission_policy(Promotion, promotion_permission_policy, exact_class=True)
