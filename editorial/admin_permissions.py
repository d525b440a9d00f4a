"""Wagtail permission policies for the organisation screens (units, members, boards).

The admin asks a model's permission policy whether to show a menu item, list
objects, open an edit form or accept a new object. These policies answer from
the unit tree, through the scoping rules in ``editorial.permissions``: a board
head manages what lies strictly below their unit; platform administrators
manage everything; nobody deletes (units and members leave through their
status, boards stay with their unit). Django's model permissions on these
models play no part.

Every answer costs a fixed number of queries whatever the size of the tree:
the user's scope is loaded once per request and the rest is path arithmetic
or a single prefix filter.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from .models import (
    BoardMembership,
    BoardRole,
    EditorialBoard,
    Member,
    Unit,
    UnitLevel,
    UnitStatus,
)
from .models.members import ACTIVE_MEMBER_STATUSES
from .permissions import (
    can_manage_anything,
    can_manage_unit,
    headed_units,
    is_active_user,
    is_platform_admin,
    manageable_units_filter,
)

# "view" is what the index view needs besides add/change; "delete" is never granted.
MANAGE_ACTIONS = frozenset({"add", "change", "view"})


class UnitScopedPermissionPolicy(BasePermissionPolicy):
    """A policy for a model whose instances each hang off one unit.

    ``unit_lookup`` is the query prefix from the model to its unit ("" for
    Unit itself); ``unit_of`` returns an instance's unit.
    """

    unit_lookup = ""

    def unit_of(self, instance):
        raise NotImplementedError

    def user_has_permission(self, user, action):
        return action in MANAGE_ACTIONS and is_active_user(user) and can_manage_anything(user)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user, action, instance):
        if action not in MANAGE_ACTIONS or not is_active_user(user):
            return False
        unit = self.unit_of(instance)
        return unit is not None and can_manage_unit(user, unit)

    def instances_user_has_any_permission_for(self, user, actions):
        queryset = self.model._default_manager.all()
        if not MANAGE_ACTIONS.intersection(actions) or not is_active_user(user):
            return queryset.none()
        condition = manageable_units_filter(user, prefix=self.unit_lookup)
        if condition is None:
            return queryset.none()
        return queryset.filter(condition)

    def users_with_any_permission(self, actions):
        users = get_user_model()._default_manager.filter(is_active=True)
        if not MANAGE_ACTIONS.intersection(actions):
            return users.none()
        heads = BoardMembership.objects.filter(
            role__in=[BoardRole.APPROVER, BoardRole.PLATFORM_ADMIN],
            board__unit__status=UnitStatus.ACTIVE,
        )
        return users.filter(Q(is_superuser=True) | Q(pk__in=heads.values("user_id")))

    def users_with_any_permission_for_instance(self, actions, instance):
        users = get_user_model()._default_manager.filter(is_active=True)
        unit = self.unit_of(instance)
        if not MANAGE_ACTIONS.intersection(actions) or unit is None:
            return users.none()
        # The heads of the units strictly above this one, plus platform admins.
        above = unit.ancestor_paths()[:-1]
        heads = BoardMembership.objects.filter(board__unit__status=UnitStatus.ACTIVE).filter(
            Q(role=BoardRole.PLATFORM_ADMIN)
            | Q(role=BoardRole.APPROVER, board__unit__path__in=above)
        )
        return users.filter(Q(is_superuser=True) | Q(pk__in=heads.values("user_id")))


class UnitPermissionPolicy(UnitScopedPermissionPolicy):
    unit_lookup = ""

    def unit_of(self, instance):
        return instance


class MemberPermissionPolicy(UnitScopedPermissionPolicy):
    unit_lookup = "branch__"

    def unit_of(self, instance):
        return instance.branch if instance.branch_id else None


class EditorialBoardPermissionPolicy(UnitScopedPermissionPolicy):
    unit_lookup = "unit__"

    def unit_of(self, instance):
        return instance.unit if instance.unit_id else None


unit_permission_policy = UnitPermissionPolicy(Unit)
member_permission_policy = MemberPermissionPolicy(Member)
board_permission_policy = EditorialBoardPermissionPolicy(EditorialBoard)


# Choices offered by the forms. They live here, beside the policies, so that
# what a form offers and what the policy allows cannot drift apart.


def parent_unit_choices(user):
    """Active units a new unit may be created under.

    A board head creates units below their own unit, so the units they head
    count as well as the ones they manage.
    """
    condition = manageable_units_filter(user)
    if condition is None:
        return Unit.objects.none()
    if not is_platform_admin(user):
        condition |= Q(pk__in=headed_units(user).values("pk"))
    return Unit.objects.filter(condition, status=UnitStatus.ACTIVE)


def branch_choices(user):
    """Active branches a member may be placed in."""
    condition = manageable_units_filter(user)
    if condition is None:
        return Unit.objects.none()
    return Unit.objects.filter(condition, level=UnitLevel.BRANCH, status=UnitStatus.ACTIVE)


def board_unit_choices(user):
    """Active units in scope that have no editorial board yet."""
    condition = manageable_units_filter(user)
    if condition is None:
        return Unit.objects.none()
    return Unit.objects.filter(condition, status=UnitStatus.ACTIVE, board__isnull=True)


def board_user_choices(user):
    """Users who may be given a role on a board.

    Platform admins may choose any active user (technical staff have no
    member record). A board head chooses among the active party members of
    the units they manage.
    """
    users = get_user_model()._default_manager.filter(is_active=True)
    if not is_active_user(user):
        return users.none()
    if is_platform_admin(user):
        return users
    condition = manageable_units_filter(user, prefix="member__branch__")
    if condition is None:
        return users.none()
    return users.filter(condition, member__status__in=ACTIVE_MEMBER_STATUSES)
