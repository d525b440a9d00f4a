"""Who is who in a branch's life, from ``editorial``'s records.

- a branch's **roll**: its active members, and the active members currently
  registered with it as their residence place;
- its **secretaries**: the current secretary and deputy secretary of the
  branch (``CommitteeRole.objects.current()``, the one rule of who holds an
  office now); they run the branch's meetings, tasks and requests;
- the **committee above**: the current secretary and deputy secretary of the
  unit directly above the branch (its grassroots party committee); they rate
  the branch's held meetings and decide its membership requests.
"""

from django.db.models import Exists, OuterRef, Q

from editorial.models import CommitteeRole, CommitteeRoleKind, Member, Unit, UnitLevel

from .models import ResidenceRegistration

OFFICES = (CommitteeRoleKind.SECRETARY, CommitteeRoleKind.DEPUTY_SECRETARY)


def member_of(user):
    """The user's active membership, or None."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    member = getattr(user, "member", None)
    return member if member is not None and member.is_active_member else None


def residence_branch_ids(member):
    return set(
        ResidenceRegistration.objects.current()
        .filter(member=member)
        .values_list("branch_id", flat=True)
    )


def branch_ids_of(member):
    """The branches whose meetings the member attends: their own and the
    branches of their current residence registrations."""
    if member is None:
        return set()
    return {member.branch_id} | residence_branch_ids(member)


def roll(branch):
    """The branch's roll: its own active members and its residence members."""
    residents = ResidenceRegistration.objects.current().filter(
        branch=branch, member=OuterRef("pk")
    )
    return Member.objects.active().filter(Q(branch=branch) | Exists(residents))


def is_on_roll(member, branch):
    return member is not None and roll(branch).filter(pk=member.pk).exists()


def secretary_branch_ids(member):
    """The branches the member is secretary or deputy secretary of today."""
    if member is None:
        return set()
    return set(
        CommitteeRole.objects.current()
        .filter(member=member, role__in=OFFICES, unit__level=UnitLevel.BRANCH)
        .values_list("unit_id", flat=True)
    )


def is_secretary(member, branch):
    return branch.pk in secretary_branch_ids(member)


def committee_unit_above(branch):
    """The unit directly above the branch (its grassroots committee)."""
    if branch.depth <= 1:
        return None
    return Unit.objects.filter(path=branch.path[: -branch.steplen]).first()


def committee_unit_ids(member):
    """The units whose committee the member sits on (secretary or deputy) today."""
    if member is None:
        return set()
    return set(
        CommitteeRole.objects.current()
        .filter(member=member, role__in=OFFICES)
        .values_list("unit_id", flat=True)
    )


def branches_under_committee(member):
    """The branches directly below the units whose committee the member sits on."""
    units = list(Unit.objects.filter(pk__in=committee_unit_ids(member)))
    if not units:
        return Unit.objects.none()
    below = Q()
    for unit in units:
        below |= Q(path__startswith=unit.path, depth=unit.depth + 1)
    return Unit.objects.filter(below, level=UnitLevel.BRANCH)


def is_committee_above(member, branch):
    above = committee_unit_above(branch)
    return above is not None and above.pk in committee_unit_ids(member)
