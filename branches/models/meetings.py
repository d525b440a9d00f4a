"""A branch's meetings: the notice (kind, time, place, agenda, guidance and
materials), members' answers, attendance, minutes and resolution, and the
grassroots committee's rating of the meeting once it is held."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.documents import get_document_model_string

from editorial.models import UnitLevel


class MeetingKind(models.TextChoices):
    REGULAR = "regular", _("Regular monthly meeting")
    THEMATIC = "thematic", _("Thematic meeting")
    EXTRAORDINARY = "extraordinary", _("Extraordinary meeting")


class MeetingState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("meeting", "Draft")
    PUBLISHED = "published", pgettext_lazy("meeting", "Announced")
    HELD = "held", pgettext_lazy("meeting", "Held")
    CANCELLED = "cancelled", pgettext_lazy("meeting", "Cancelled")


class Meeting(models.Model):
    """One meeting of a branch. A draft is seen by the branch's secretaries
    only; publishing it sends the notice; closing it ("held") records the
    minutes and the resolution and closes its open votes."""

    branch = models.ForeignKey(
        "editorial.Unit",
        verbose_name=_("branch"),
        on_delete=models.PROTECT,
        related_name="meetings",
        limit_choices_to={"level": UnitLevel.BRANCH},
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=MeetingKind.choices, default=MeetingKind.REGULAR
    )
    title = models.CharField(_("title"), max_length=255)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255)
    guidance = models.TextField(
        _("guidance"), blank=True, help_text=_("How to run this kind of meeting.")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=MeetingState.choices, default=MeetingState.DRAFT
    )
    minutes = models.TextField(_("minutes"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["branch", "state", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="branches_meeting_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%d/%m/%Y})"

    @property
    def is_published(self):
        return self.state == MeetingState.PUBLISHED


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=255)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class MaterialPart(models.TextChoices):
    MATERIAL = "material", _("Meeting material")
    MINUTES = "minutes", _("Photo of the minutes")


class MeetingMaterial(models.Model):
    """A published page of the archive (news, a party document) or an
    uploaded file (a PDF, a phone photo) given to the meeting's members; or
    a photo of the written minutes (``part``), added during or after it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    part = models.CharField(
        _("part"), max_length=8, choices=MaterialPart.choices, default=MaterialPart.MATERIAL
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=255, blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(
        get_document_model_string(),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        verbose_name = _("meeting material")
        verbose_name_plural = _("meeting materials")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(page__isnull=True) ^ Q(document__isnull=True),
                name="branches_material_page_or_document",
            )
        ]

    def __str__(self):
        return self.title or str(self.page or self.document)


class RsvpAnswer(models.TextChoices):
    ATTENDING = "attending", _("Attending")
    ABSENT = "absent", _("Absent")


class Rsvp(models.Model):
    """A member's answer to a meeting notice."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    member = models.ForeignKey("editorial.Member", on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(_("answer"), max_length=16, choices=RsvpAnswer.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer to a meeting notice")
        verbose_name_plural = _("answers to meeting notices")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="branches_one_rsvp")
        ]

    def __str__(self):
        return f"{self.member_id}: {self.answer}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Absent with leave")
    UNEXCUSED = "unexcused", _("Absent without leave")


class Attendance(models.Model):
    """Whether a member was at the meeting, as the secretary recorded it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey("editorial.Member", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("attendance"), max_length=16, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="branches_one_attendance")
        ]

    def __str__(self):
        return f"{self.member_id}: {self.status}"


class RatingGrade(models.TextChoices):
    TOT = "tot", _("Good")
    KHA = "kha", _("Fairly good")
    TRUNG_BINH = "trung_binh", _("Average")
    KEM = "kem", _("Poor")


class MeetingRating(models.Model):
    """The grassroots committee's grade for a held meeting."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="rating")
    grade = models.CharField(_("grade"), max_length=16, choices=RatingGrade.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey(
        "editorial.Unit",
        verbose_name=_("rated by unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting rating")
        verbose_name_plural = _("meeting ratings")

    def __str__(self):
        return f"{self.meeting}: {self.get_grade_display()}"
