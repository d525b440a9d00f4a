"""Who may manage which units, members and boards.

A board head (approver) manages the units strictly below their unit, not their
own board, nor anything beside or above it; platform administrators (the
secretariat) manage everything. Each check is a fixed number of queries,
whatever the size of the tree: scopes are materialized-path prefixes over the
user's board roles (``editorial.board_scope``, loaded once per request; its
``is_active_user``, ``is_platform_admin`` and ``board_roles`` are public here
too, where the other apps read them).

The organisation screens' permission policies state the same rule for the
admin, and the choices their forms offer sit beside them, so that what a form
offers and what the policy allows cannot drift apart. ``EditorialConfig.ready()``
registers the policies with ``register_permission_policies()``.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from wagtail.permissions import register_permission_policy

from .board_scope import board_roles, headed_boards, is_active_user, is_platform_admin
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
from .permission_policies import UnitOwnedPermissionPolicy


def report_scope(user):
    """Unit path prefixes the user may see reports on (study completion,
    moderation): their boards' subtrees; [""] is everything, [] nothing."""
    if not is_active_user(user):
        return []
    if is_platform_admin(user):
        return [""]
    return sorted({path for _role, path, _unit in board_roles(user)})


def may_see_reports(user):
    return bool(report_scope(user))


def may_report_on(user, unit):
    return any(unit.path.startswith(prefix) for prefix in report_scope(user))


def manageable_units_filter(user, prefix=""):
    """A Q object selecting the units the user may manage (or None for nothing).

    ``prefix`` lets other models filter through a relation, e.g. "branch__".
    """
    if not is_active_user(user):
        return None
    if is_platform_admin(user):
        return Q()
    headed = headed_boards(user)
    if not headed:
        return None
    condition = Q()
    for path, unit_id in headed:
        condition |= Q(**{f"{prefix}path__startswith": path}) & ~Q(**{f"{prefix}pk": unit_id})
    return condition


def manageable_units(user):
    condition = manageable_units_filter(user)
    if condition is None:
        return Unit.objects.none()
    return Unit.objects.filter(condition)


def headed_units(user):
    """The active units whose board the user heads (approver role)."""
    if not is_active_user(user):
        return Unit.objects.none()
    return Unit.objects.filter(pk__in=[unit_id for _path, unit_id in headed_boards(user)])


def can_manage_unit(user, unit):
    """Pure path arithmetic once the scope is loaded: no query per unit."""
    if not is_active_user(user):
        return False
    if is_platform_admin(user):
        return True
    return any(
        unit.path.startswith(path) and unit.pk != unit_id for path, unit_id in headed_boards(user)
    )


def can_manage_anything(user):
    if not is_active_user(user):
        return False
    return is_platform_admin(user) or bool(headed_boards(user))


def can_change_member_status(user, member):
    """Whether the user may change this member's status (and so their sign-in).

    A board head manages the members below their unit, but not one who also
    holds a board role outside that scope: otherwise a district head could
    lock out a provincial editor who happens to live in one of their branches.
    """
    if is_platform_admin(user):
        return True
    if not can_manage_unit(user, member.branch):
        return False
    roles = member.user.board_memberships.filter(board__unit__status=UnitStatus.ACTIVE)
    return all(
        can_manage_unit(user, membership.board.unit)
        for membership in roles.select_related("board__unit")
    )


def can_reset_sign_in(actor, member):
    """Whether the actor may set a password or issue a one-time sign-in code for
    this member: taking over their account is at least as strong as changing
    their status, so the status rule applies, and beyond it no office may be
    reached from below: a member holding a current committee office on a unit
    the actor does not manage is refused too (a grassroots head may not take
    over the district secretary who lives in one of their branches). Superusers
    are reset only by superusers, platform administrators only by their peers.
    """
    target = member.user
    if target.is_superuser and not (is_active_user(actor) and actor.is_superuser):
        return False
    if is_platform_admin(target) and not is_platform_admin(actor):
        return False
    if not can_change_member_status(actor, member):
        return False
    if is_platform_admin(actor):
        return True
    today = timezone.localdate()
    offices = member.committee_roles.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    ).select_related("unit")
    return all(can_manage_unit(actor, office.unit) for office in offices)


# The organisation screens in the admin


class OrganisationPermissionPolicy(UnitOwnedPermissionPolicy):
    """Units, members and boards, each placed by one unit (itself, its branch,
    its unit): the rule of ``can_manage_unit``. Board heads list, add and edit
    what lies strictly below their unit; platform administrators everything;
    nobody deletes (units and members leave through their status, boards stay
    with their unit). Django's model permissions on these models play no part.
    """

    # "view" is what the index view needs besides add/change; "delete" is never granted.
    actions = frozenset({"add", "change", "view"})
    strictly_below = True

    def actions_for_role(self, role):
        return self.actions if role == BoardRole.APPROVER else frozenset()

    def users_with_any_permission(self, actions):
        users = get_user_model()._default_manager.filter(is_active=True)
        if not self.actions.intersection(actions):
            return users.none()
        heads = BoardMembership.objects.filter(
            role__in=[BoardRole.APPROVER, BoardRole.PLATFORM_ADMIN],
            board__unit__status=UnitStatus.ACTIVE,
        )
        return users.filter(Q(is_superuser=True) | Q(pk__in=heads.values("user_id")))

    def users_with_any_permission_for_instance(self, actions, instance):
        users = get_user_model()._default_manager.filter(is_active=True)
        if not self.actions.intersection(actions) or not self.has_unit(instance):
            return users.none()
        # The heads of the units strictly above this one, plus platform admins.
        above = self.unit_of(instance).ancestor_paths()[:-1]
        heads = BoardMembership.objects.filter(board__unit__status=UnitStatus.ACTIVE).filter(
            Q(role=BoardRole.PLATFORM_ADMIN)
            | Q(role=BoardRole.APPROVER, board__unit__path__in=above)
        )
        return users.filter(Q(is_superuser=True) | Q(pk__in=heads.values("user_id")))


unit_permission_policy = OrganisationPermissionPolicy(Unit)
member_permission_policy = OrganisationPermissionPolicy(Member, unit_field="branch")
board_permission_policy = OrganisationPermissionPolicy(EditorialBoard, unit_field="unit")


def register_permission_policies():
    """Called from ``EditorialConfig.ready()``."""
    register_permission_policy(Unit, unit_permission_policy, exact_class=True)
    register_permission_policy(Member, member_permission_policy, exact_class=True)
    register_permission_policy(EditorialBoard, board_permission_policy, exact_class=True)


# What the organisation forms offer


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
