"""Residence-place registrations (đảng viên sinh hoạt nơi cư trú).

The secretary of the member's own branch registers them with the branch of
the place they live, from a date; the residence branch then has them on its
roll (notices, attendance, tasks) but cannot change their record, and they
vote in their own branch only. Ending the registration takes them off the
residence branch's roll.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import UnitLevel

from .errors import BranchError, BranchErrorCode
from .guards import require_secretary
from .models import ResidenceRegistration


def register_residence(member, target, branch, *, started_on=None):
    require_secretary(member, target.branch)
    if branch.level != UnitLevel.BRANCH or not branch.is_active:
        raise BranchError(BranchErrorCode.INVALID, _("Choose an active branch."), field="branch")
    if branch.pk == target.branch_id:
        raise BranchError(
            BranchErrorCode.INVALID,
            _("The residence branch must differ from the member's own branch."),
            field="branch",
        )
    return ResidenceRegistration.objects.create(
        member=target, branch=branch, started_on=started_on or timezone.localdate()
    )


def end_residence(member, registration, *, ended_on=None):
    require_secretary(member, registration.member.branch)
    registration.ended_on = ended_on or timezone.localdate()
    registration.save(update_fields=["ended_on"])
    return registration
