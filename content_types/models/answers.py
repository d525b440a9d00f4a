"""Questions and answers ("hỏi đáp"): a bank of ready answers and members' questions.

``AnswerEntry`` is an editorial snippet owned by a unit; it goes through drafts,
revisions and publishing like a page. ``MemberQuestion`` is what a member asks:
it is routed to the nearest unit with an editorial board at or above the
member's branch, and only that board (or a platform administrator) answers it
or forwards it up the tree. Every step is kept as a ``MemberQuestionEvent``.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, RevisionMixin, TranslatableMixin

from editorial.models import Unit, UnitStatus
from editorial.permissions import board_roles, is_platform_admin

from ..errors import ErrorCode, ServiceError
from .audience import Audience


class AnswerCategory(models.TextChoices):
    RULES = "rules", _("Party rules and statute")
    PROCEDURES = "procedures", _("Procedures")
    MEMBERSHIP = "membership", _("Membership")
    FEES = "fees", _("Party fees")
    STUDY = "study", _("Study and training")
    OTHER = "other", _("Other")


class AnswerEntry(TranslatableMixin, DraftStateMixin, RevisionMixin, models.Model):
    """A ready answer to a frequent question, owned by one unit."""

    question = models.CharField(_("question"), max_length=500)
    answer = RichTextField(_("answer"))
    category = models.CharField(
        _("category"), max_length=16, choices=AnswerCategory.choices, default=AnswerCategory.OTHER
    )
    unit = models.ForeignKey(
        "editorial.Unit",
        verbose_name=_("owning unit"),
        on_delete=models.PROTECT,
        related_name="answer_entries",
    )
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.PUBLIC
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("question"),
        FieldPanel("answer"),
        FieldPanel("category"),
        FieldPanel("unit"),
        FieldPanel("audience"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["-updated_at", "-pk"]

    def __str__(self):
        return self.question


class QuestionStatus(models.TextChoices):
    NEW = "new", _("New")
    ANSWERED = "answered", _("Answered")
    FORWARDED = "forwarded", _("Forwarded to a higher unit")
    CLOSED = "closed", _("Closed")


def nearest_board_unit(unit, *, include_self=True):
    """The nearest active unit at or above ``unit`` (strictly above when
    ``include_self`` is false) that has an editorial board; None if there is none."""
    paths = unit.ancestor_paths()
    if not include_self:
        paths = paths[:-1]
    return (
        Unit.objects.filter(path__in=paths, board__isnull=False, status=UnitStatus.ACTIVE)
        .order_by("-depth")
        .first()
    )


class MemberQuestionQuerySet(models.QuerySet):
    def for_member(self, user):
        """The questions ``user`` asked: what a member sees to follow their status."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(asker=user)


class MemberQuestion(models.Model):
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.CASCADE,
        related_name="party_questions",
    )
    text = models.TextField(_("question"))
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    assigned_unit = models.ForeignKey(
        "editorial.Unit",
        verbose_name=_("assigned unit"),
        on_delete=models.PROTECT,
        related_name="member_questions",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.NEW
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    entry = models.ForeignKey(
        AnswerEntry,
        verbose_name=_("published answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_questions",
    )
    # Chosen by the member's app for one question (its Idempotency-Key): the
    # same key sent again by the same member stores nothing new.
    client_key = models.CharField(_("client key"), max_length=64, blank=True, editable=False)

    objects = MemberQuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("member's question")
        verbose_name_plural = _("members' questions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["asker", "client_key"],
                condition=~models.Q(client_key=""),
                name="unique_question_client_key",
            )
        ]

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        creating = self._state.adding
        if creating and self.assigned_unit_id is None:
            self.assigned_unit = self._route()
        super().save(*args, **kwargs)
        if creating:
            self._record(MemberQuestionEvent.Kind.ASKED, self.asker)

    @classmethod
    def for_member(cls, user):
        return cls.objects.for_member(user)

    @classmethod
    @transaction.atomic
    def ask(cls, user, text):
        """Create a question from ``user``'s member record, routed to the
        nearest unit with a board at or above their branch.

        Raises ServiceError ``not_member`` when ``user`` is not an active
        party member, or when no unit above their branch has a board to
        receive it (they cannot send questions either way)."""
        question = cls(asker=user, text=text)
        question.save()
        return question

    @classmethod
    def ask_once(cls, user, text, key):
        """``ask`` made safe to send again, as an offline phone does when the
        network returns; returns ``(question, created)``.

        ``key`` is chosen by the app for this question (1 to 64 characters;
        ServiceError ``invalid_key`` otherwise). The same member sending the
        same key again gets the question first stored with it, whatever the
        text, and nothing new is stored; another member's same key is
        unrelated. Two requests with one key at once store one question: the
        unique constraint holds the second until the first ends.
        """
        max_length = cls._meta.get_field("client_key").max_length
        if not isinstance(key, str) or not key.strip() or len(key) > max_length:
            raise ServiceError(
                ErrorCode.INVALID_KEY,
                gettext("A question's key must have 1 to %(max)d characters.")
                % {"max": max_length},
            )
        if user.is_authenticated:
            earlier = cls.objects.filter(asker=user, client_key=key).first()
            if earlier is not None:
                return earlier, False
        try:
            with transaction.atomic():
                question = cls(asker=user, text=text, client_key=key)
                question.save()
        except IntegrityError:
            earlier = cls.objects.filter(asker=user, client_key=key).first()
            if earlier is None:
                raise
            return earlier, False
        return question, True

    def _route(self):
        member = getattr(self.asker, "member", None)
        if member is None or not member.is_active_member:
            raise ServiceError(
                ErrorCode.NOT_MEMBER, gettext("Only active party members can send questions.")
            )
        unit = nearest_board_unit(member.branch)
        if unit is None:
            raise ServiceError(
                ErrorCode.NOT_MEMBER,
                gettext("No unit with an editorial board can receive this question."),
            )
        return unit

    def _record(self, kind, actor):
        return MemberQuestionEvent.objects.create(
            question=self, kind=kind, unit=self.assigned_unit, actor=actor
        )

    def can_be_handled_by(self, user):
        """Members of the assigned unit's board (any role) and platform admins."""
        if is_platform_admin(user):
            return True
        return any(unit_id == self.assigned_unit_id for _r, _p, unit_id in board_roles(user))

    def _check_handler(self, user):
        if not self.can_be_handled_by(user):
            raise PermissionDenied(
                gettext("Only the editorial board of the assigned unit can handle this question.")
            )

    @transaction.atomic
    def forward_to_parent(self, user):
        """Hand the question to the nearest higher unit that has a board."""
        self._check_handler(user)
        if self.status in (QuestionStatus.ANSWERED, QuestionStatus.CLOSED):
            raise ValidationError(gettext("An answered or closed question cannot be forwarded."))
        target = nearest_board_unit(self.assigned_unit, include_self=False)
        if target is None:
            raise ValidationError(
                gettext("There is no higher unit with an editorial board to forward this to.")
            )
        self.assigned_unit = target
        self.status = QuestionStatus.FORWARDED
        self.save(update_fields=["assigned_unit", "status"])
        self._record(MemberQuestionEvent.Kind.FORWARDED, user)
        return target

    @transaction.atomic
    def answer_with(self, text, user, *, publish_as_entry=False, category=AnswerCategory.OTHER):
        """Answer the question; with ``publish_as_entry`` also start a draft
        ``AnswerEntry`` in the assigned unit for the board to publish."""
        self._check_handler(user)
        if self.status == QuestionStatus.CLOSED:
            raise ValidationError(gettext("A closed question cannot be answered."))
        if not text or not text.strip():
            raise ValidationError(gettext("Write an answer."))
        self.answer = text
        self.answered_by = user
        self.answered_at = timezone.now()
        self.status = QuestionStatus.ANSWERED
        if publish_as_entry:
            entry = AnswerEntry(
                question=self.text[:500],
                answer=linebreaks(escape(text)),
                category=category,
                unit=self.assigned_unit,
                audience=Audience.MEMBERS,
                live=False,
            )
            entry.save()
            entry.save_revision(user=user)
            self.entry = entry
        self.save(update_fields=["answer", "answered_by", "answered_at", "status", "entry"])
        self._record(MemberQuestionEvent.Kind.ANSWERED, user)
        return self.entry

    @transaction.atomic
    def close(self, user):
        self._check_handler(user)
        self.status = QuestionStatus.CLOSED
        self.save(update_fields=["status"])
        self._record(MemberQuestionEvent.Kind.CLOSED, user)


class MemberQuestionEvent(models.Model):
    """One step in a question's history: where it was and who acted."""

    class Kind(models.TextChoices):
        ASKED = "asked", _("Asked")
        FORWARDED = "forwarded", _("Forwarded")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    question = models.ForeignKey(MemberQuestion, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    unit = models.ForeignKey(
        "editorial.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question event")
        verbose_name_plural = _("question events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.question_id}: {self.kind}"
