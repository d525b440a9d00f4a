"""Residence-place registrations (đảng viên sinh hoạt nơi cư trú).

The secretary of the member's own branch registers them with the branch of
the place they live, from a date; the residence branch then has them on its
roll (notices, attendance, tasks) but cannot change their record, and they
vote in their own branch only. A member has one open registration at a
time. Ending the registration takes them off the residence branch's roll.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import Member, UnitLevel

from .errors import BranchError, BranchErrorCode
from .guards import require_secretary
from .models import ResidenceRegistration


def open_registrations(on=None):
    """Registrations not yet ended on ``on`` (today): current or to come."""
    on = on or timezone.localdate()
    return ResidenceRegistration.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))


def register_residence(member, target, branch, *, started_on=None):
    """``member``, secretary of ``target``'s own branch, registers ``target``
    with the residence ``branch``; refused with the field it is about."""
    require_secretary(member, target.branch)
    if not target.is_active_member:
        raise BranchError(
            BranchErrorCode.INVALID, _("Choose an active member of this branch."), field="member"
        )
    if branch.level != UnitLevel.BRANCH or not branch.is_active:
        raise BranchError(
            BranchErrorCode.INVALID, _("Choose an active branch."), field="residence_branch"
        )
    if branch.pk == target.branch_id:
        raise BranchError(
            BranchErrorCode.INVALID,
            _("The residence branch must differ from the member's own branch."),
            field="residence_branch",
        )
    with transaction.atomic():
        # The member's row is locked so two secretaries cannot both register them.
        Member.objects.select_for_update().filter(pk=target.pk).first()
        if open_registrations().filter(member=target).exists():
            raise BranchError(
                BranchErrorCode.INVALID,
                _(
                    "This member is already registered with a residence branch; "
                    "end that registration first."
                ),
                field="member",
            )
        return ResidenceRegistration.objects.create(
            member=target, branch=branch, started_on=started_on or timezone.localdate()
        )


def end_residence(member, registration, *, ended_on=None):
    """The home branch's secretary ends the registration; ``ended_on`` is the
    last day on the residence branch's roll, by default yesterday, so the
    member is off that roll from today."""
    require_secretary(member, registration.member.branch)
    today = timezone.localdate()
    if registration.ended_on is not None and registration.ended_on < today:
        raise BranchError(BranchErrorCode.CLOSED, _("This registration has already ended."))
    registration.ended_on = ended_on or today - datetime.timedelta(days=1)
    registration.save(update_fields=["ended_on"])
    return registration
