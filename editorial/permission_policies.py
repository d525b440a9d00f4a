"""The base of the project's Wagtail permission policies: answers from the boards.

The admin asks a model's permission policy whether to show a menu item, list
objects, open an edit form or accept a new object. Wagtail's own policies
answer from Django model permissions; board members hold none on the
project's models (provisioning grants page and collection permissions only),
so these policies answer from the user's board roles instead
(``editorial.board_scope``, loaded once per request: no answer costs a query
of its own).

``BoardPermissionPolicy`` holds what every such policy shares: inactive and
anonymous users may do nothing, platform administrators and superusers may do
whatever the policy grants at all, and the users who may act are the active
board members and superusers. A concrete policy states only what a board
member may do. ``UnitOwnedPermissionPolicy`` states it once for the commonest
case, a model whose objects each belong to one unit: a board member acts on
the objects of the units in their boards' subtrees.

Each app's ``permissions`` module holds its concrete policies and registers
them from its ``AppConfig.ready()``, before anything can ask Wagtail's
registry for the model and so create Wagtail's fallback policy.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from .board_scope import board_roles, is_active_user, is_platform_admin


class BoardPermissionPolicy(BasePermissionPolicy):
    """A policy answered from board memberships, never from Django model permissions.

    ``actions`` is what the policy grants at all (``None``: any action); a
    subclass states what a board member who is not a platform administrator
    may do through the three ``board_member_*`` methods.
    """

    actions = None

    def grants(self, action):
        """Whether anyone at all may be granted ``action`` by this policy."""
        return self.actions is None or action in self.actions

    def platform_admin_has_permission(self, action):
        """What platform administrators and superusers may do: everything granted."""
        return True

    def board_member_has_permission(self, user, action):
        """Whether ``user`` (active, no platform administrator) may do ``action``
        on some objects of the model."""
        raise NotImplementedError

    def board_member_has_permission_for_instance(self, user, action, instance):
        """The same for one object; by default the model-wide answer."""
        return self.board_member_has_permission(user, action)

    def board_member_filter(self, user, actions):
        """A Q object selecting the objects ``user`` may do one of ``actions`` on,
        or None for none; by default all of them or none, by the model-wide answer."""
        if any(self.board_member_has_permission(user, action) for action in actions):
            return Q()
        return None

    def user_has_permission(self, user, action):
        if not self.grants(action) or not is_active_user(user):
            return False
        if is_platform_admin(user):
            return self.platform_admin_has_permission(action)
        return self.board_member_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.grants(action) or not is_active_user(user):
            return False
        if is_platform_admin(user):
            return self.platform_admin_has_permission(action)
        return self.board_member_has_permission_for_instance(user, action, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = self.model._default_manager.all()
        actions = [action for action in actions if self.grants(action)]
        if not actions or not is_active_user(user):
            return queryset.none()
        if is_platform_admin(user):
            if any(self.platform_admin_has_permission(action) for action in actions):
                return queryset
            return queryset.none()
        condition = self.board_member_filter(user, actions)
        return queryset.none() if condition is None else queryset.filter(condition)

    def users_with_any_permission(self, actions):
        users = get_user_model()._default_manager.filter(is_active=True)
        if not any(self.grants(action) for action in actions):
            return users.none()
        return users.filter(Q(is_superuser=True) | Q(board_memberships__isnull=False)).distinct()


class UnitOwnedPermissionPolicy(BoardPermissionPolicy):
    """For a model whose objects each belong to one unit.

    ``unit_field`` names the model's foreign key to its unit (``None`` for
    ``Unit`` itself). A board member may act on the objects of the units in
    their boards' subtrees: ``actions_for_role`` says what each board role
    grants; with ``strictly_below`` the board's own unit is left out. Every
    answer is path arithmetic on the cached board roles, or one prefix filter.
    """

    strictly_below = False

    def __init__(self, model, unit_field=None):
        super().__init__(model)
        self.unit_field = unit_field
        self.unit_lookup = f"{unit_field}__" if unit_field else ""

    def actions_for_role(self, role):
        """The actions a board role grants on its unit's subtree (empty: none)."""
        raise NotImplementedError

    def has_unit(self, instance):
        """Whether the object is filed under a unit yet (no query: the key only)."""
        return self.unit_field is None or getattr(instance, f"{self.unit_field}_id") is not None

    def unit_of(self, instance):
        """The unit the object belongs to."""
        return instance if self.unit_field is None else getattr(instance, self.unit_field)

    def unit_grants(self, user):
        """``[(unit_path, unit_id, actions)]``: what each of the user's boards grants."""
        grants = []
        for role, path, unit_id in board_roles(user):
            actions = self.actions_for_role(role)
            if actions:
                grants.append((path, unit_id, actions))
        return grants

    def covers(self, path, unit_id, unit):
        """Whether a board of the unit at ``path`` reaches ``unit``."""
        return unit.path.startswith(path) and not (self.strictly_below and unit.pk == unit_id)

    def board_member_has_permission(self, user, action):
        return any(action in actions for _path, _unit_id, actions in self.unit_grants(user))

    def user_has_permission_for_instance(self, user, action, instance):
        # An object filed under no unit yet is in nobody's scope.
        if not self.has_unit(instance):
            return False
        return super().user_has_permission_for_instance(user, action, instance)

    def board_member_has_permission_for_instance(self, user, action, instance):
        boards = [
            (path, unit_id)
            for path, unit_id, actions in self.unit_grants(user)
            if action in actions
        ]
        if not boards:
            return False
        # Read only now: the unit may cost a query when it was not selected with the object.
        unit = self.unit_of(instance)
        return any(self.covers(path, unit_id, unit) for path, unit_id in boards)

    def board_member_filter(self, user, actions):
        condition = Q()
        for path, unit_id, granted in self.unit_grants(user):
            if granted.intersection(actions):
                reach = Q(**{f"{self.unit_lookup}path__startswith": path})
                if self.strictly_below:
                    reach &= ~Q(**{f"{self.unit_lookup}pk": unit_id})
                condition |= reach
        return condition if condition else None
