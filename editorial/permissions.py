"""Who may manage which units, members and boards.

A board head (approver) manages the units strictly below their unit, not their
own board, nor anything beside or above it; platform administrators (the
secretariat) manage everything. Each check is a fixed number of queries,
whatever the size of the tree: scopes are materialized-path prefixes.
"""

from django.db.models import Q
from django.utils import timezone

from .models import BoardRole, Unit, UnitStatus

_CACHE_ATTR = "_editorial_scope_cache"


def is_active_user(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_platform_admin(user):
    if not is_active_user(user):
        return False
    if user.is_superuser:
        return True
    return bool(_scope(user)["platform_admin"])


def board_roles(user):
    """``[(role, unit_path, unit_id)]`` of the user's roles on active units' boards.

    Loaded in one query and cached on the user object for the request; every
    board-based check (here and in other apps) reads from it.
    """
    return _scope(user)["roles"] if is_active_user(user) else []


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


def _scope(user):
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        rows = list(
            user.board_memberships.filter(board__unit__status=UnitStatus.ACTIVE).values_list(
                "role", "board__unit__path", "board__unit_id"
            )
        )
        cached = {
            "roles": rows,
            "platform_admin": any(role == BoardRole.PLATFORM_ADMIN for role, _p, _u in rows),
            "headed": [
                (path, unit_id) for role, path, unit_id in rows if role == BoardRole.APPROVER
            ],
        }
        setattr(user, _CACHE_ATTR, cached)
    return cached


def manageable_units_filter(user, prefix=""):
    """A Q object selecting the units the user may manage (or None for nothing).

    ``prefix`` lets other models filter through a relation, e.g. "branch__".
    """
    if not is_active_user(user):
        return None
    if is_platform_admin(user):
        return Q()
    headed = _scope(user)["headed"]
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
    return Unit.objects.filter(pk__in=[unit_id for _path, unit_id in _scope(user)["headed"]])


def can_manage_unit(user, unit):
    """Pure path arithmetic once the scope is loaded: no query per unit."""
    if not is_active_user(user):
        return False
    if is_platform_admin(user):
        return True
    return any(
        unit.path.startswith(path) and unit.pk != unit_id
        for path, unit_id in _scope(user)["headed"]
    )


def can_manage_anything(user):
    if not is_active_user(user):
        return False
    return is_platform_admin(user) or bool(_scope(user)["headed"])


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
