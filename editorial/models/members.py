from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .units import UnitStatus


class MemberStatus(models.TextChoices):
    OFFICIAL = "official", _("Official member")
    PROBATIONARY = "probationary", _("Probationary member")
    TRANSFERRED = "transferred", _("Transferred out")
    DECEASED = "deceased", _("Deceased")
    STRUCK_OFF = "struck_off", _("Struck off")
    EXPELLED = "expelled", _("Expelled")


ACTIVE_MEMBER_STATUSES = frozenset({MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY})


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_MEMBER_STATUSES)

    def in_subtree_of(self, unit):
        return self.filter(branch__path__startswith=unit.path)


class Member(models.Model):
    """A user's party membership. Records stay when a member leaves or dies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="member",
    )
    full_name = models.CharField(_("full name"), max_length=255)
    branch = models.ForeignKey(
        "editorial.Unit",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    card_number = models.CharField(
        _("party card number"),
        max_length=32,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Probationary members have no card yet."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.OFFICIAL
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    joined_on = models.DateField(_("admitted on"), null=True, blank=True)
    official_on = models.DateField(_("official since"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return self.full_name or self.user.get_username()

    @property
    def is_active_member(self):
        return self.status in ACTIVE_MEMBER_STATUSES


class CommitteeRoleKind(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")


class CommitteeRoleQuerySet(models.QuerySet):
    def current(self, on=None):
        """Offices held on the date ``on`` (today by default): the term has
        started and not ended, and the unit is still active (not merged or
        dissolved). The one rule for "holds this office now"."""
        on = on or timezone.localdate()
        return self.filter(
            Q(started_on__isnull=True) | Q(started_on__lte=on),
            Q(ended_on__isnull=True) | Q(ended_on__gte=on),
            unit__status=UnitStatus.ACTIVE,
        )


class CommitteeRole(models.Model):
    """A member's office in a committee or branch, with its term."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="committee_roles")
    unit = models.ForeignKey(
        "editorial.Unit", on_delete=models.PROTECT, related_name="committee_roles"
    )
    role = models.CharField(_("role"), max_length=32, choices=CommitteeRoleKind.choices)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = CommitteeRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee role")
        verbose_name_plural = _("committee roles")

    def __str__(self):
        return f"{self.get_role_display()} – {self.unit}"
