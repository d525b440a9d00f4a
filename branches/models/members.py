"""Who a branch holds beyond its own roll, and the secretary's requests.

A member living elsewhere is registered with the branch of their residence
(đảng viên sinh hoạt nơi cư trú): that branch sees and invites them and
records their attendance; their record stays with their own branch. A
branch's secretary asks for a new member or a status change; the committee
of the grassroots unit above decides (``branches.requests``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from editorial.models import MemberStatus, UnitLevel


class ResidenceQuerySet(models.QuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(started_on__lte=on), Q(ended_on__isnull=True) | Q(ended_on__gte=on))


class ResidenceRegistration(models.Model):
    member = models.ForeignKey(
        "editorial.Member", on_delete=models.CASCADE, related_name="residence_registrations"
    )
    branch = models.ForeignKey(
        "editorial.Unit",
        verbose_name=_("residence branch"),
        on_delete=models.PROTECT,
        related_name="residence_registrations",
        limit_choices_to={"level": UnitLevel.BRANCH},
    )
    started_on = models.DateField(_("from"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    objects = ResidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("residence-place registration")
        verbose_name_plural = _("residence-place registrations")

    def __str__(self):
        return f"{self.member} @ {self.branch}"


class RequestKind(models.TextChoices):
    NEW_MEMBER = "new_member", _("New member")
    STATUS_CHANGE = "status_change", _("Status change")


class RequestState(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class MembershipRequest(models.Model):
    branch = models.ForeignKey(
        "editorial.Unit", on_delete=models.PROTECT, related_name="membership_requests"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices)
    full_name = models.CharField(_("full name"), max_length=255, blank=True)
    username = models.CharField(_("username"), max_length=150, blank=True)
    card_number = models.CharField(_("party card number"), max_length=32, blank=True)
    member = models.ForeignKey(
        "editorial.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    new_status = models.CharField(
        _("new status"), max_length=16, choices=MemberStatus.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=RequestState.choices, default=RequestState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_member = models.ForeignKey(
        "editorial.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.full_name or self.member}"
