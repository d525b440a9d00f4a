"""Who acts on a moderation step: resolved from the unit tree, never a fixed group.

A step names a *role* (reviewers, the deputy head, the head, the whole board)
and a *unit* (the page's owning unit, or a board one or more levels above it).
The unit is resolved when the step starts and stored on its task state, so
listing "what waits for me" is one indexed filter on the user's units.
"""

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from editorial.models import BoardRole, CommitteeRole, CommitteeRoleKind, Unit, UnitStatus
from editorial.permissions import board_roles, is_active_user


class StepRole(models.TextChoices):
    REVIEWER = "reviewer", _("Reviewers")
    DEPUTY_HEAD = "deputy_head", _("Deputy head")
    HEAD = "head", _("Head (approver)")
    BOARD = "board", _("Reviewers and head of the board")


# Board roles that may act for a step role. The deputy head is a reviewer who
# also holds the unit committee's deputy-secretary office (editorial data,
# so no extra role has to be kept in step with the committee).
_BOARD_ROLES = {
    StepRole.REVIEWER: {BoardRole.REVIEWER},
    StepRole.DEPUTY_HEAD: {BoardRole.REVIEWER},
    StepRole.HEAD: {BoardRole.APPROVER},
    StepRole.BOARD: {BoardRole.REVIEWER, BoardRole.APPROVER},
}

_DEPUTY_CACHE_ATTR = "_workflows_deputy_units"


def owning_unit(page):
    """The active unit with a board whose home page is the page or its nearest ancestor."""
    return (
        Unit.objects.containing_page(page)
        .filter(status=UnitStatus.ACTIVE, board__isnull=False)
        .first()
    )


def board_above(unit, levels_up):
    """The unit ``levels_up`` boards above ``unit`` (units without a board are skipped)."""
    if unit is None or levels_up <= 0:
        return unit
    ancestors = list(
        Unit.objects.filter(
            path__in=unit.ancestor_paths()[:-1], status=UnitStatus.ACTIVE, board__isnull=False
        ).order_by("-depth")
    )
    return ancestors[levels_up - 1] if len(ancestors) >= levels_up else None


def _current_offices():
    return CommitteeRole.objects.current().filter(role=CommitteeRoleKind.DEPUTY_SECRETARY)


def _deputy_unit_ids(user):
    cached = getattr(user, _DEPUTY_CACHE_ATTR, None)
    if cached is None:
        cached = set(
            _current_offices().filter(member__user=user).values_list("unit_id", flat=True)
        )
        setattr(user, _DEPUTY_CACHE_ATTR, cached)
    return cached


def units_where_user_acts(user, role):
    """Ids of the units on whose steps of ``role`` the user may act.

    Reads the per-request cache of ``editorial.permissions.board_roles``; the
    deputy head costs one more query, once per request.
    """
    if not is_active_user(user):
        return set()
    allowed = _BOARD_ROLES[StepRole(role)]
    units = {unit_id for board_role, _path, unit_id in board_roles(user) if board_role in allowed}
    if role == StepRole.DEPUTY_HEAD and units:
        units &= _deputy_unit_ids(user)
    return units


def user_acts_for(user, role, unit_id):
    return unit_id is not None and unit_id in units_where_user_acts(user, role)


def users_acting_for(role, unit):
    """The active users who may act on a step of ``role`` for ``unit`` (for notifications)."""
    users = get_user_model().objects.filter(is_active=True)
    if unit is None:
        return users.none()
    allowed = [str(r) for r in _BOARD_ROLES[StepRole(role)]]
    users = users.filter(board_memberships__board__unit=unit, board_memberships__role__in=allowed)
    if role == StepRole.DEPUTY_HEAD:
        users = users.filter(member__in=_current_offices().filter(unit=unit).values("member"))
    return users.distinct()
