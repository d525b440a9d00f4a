"""Attempts at a quiz: what each drew, when it must end, what was answered.

An attempt stores what it drew (question and choice ids in the shuffled
order) so that editing the bank later never changes a submitted score. The
rules of an attempt (deadline, one open attempt, idempotent submit, when
corrections show) live in ``content_types.quizzes``, which imports this
module (never the other way round).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuizAttempt(models.Model):
    """One member's attempt: what was drawn, when it must end, what was answered."""

    quiz = models.ForeignKey(
        "content_types.Quiz",
        verbose_name=_("quiz"),
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    member = models.ForeignKey(
        "editorial.Member",
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    number = models.PositiveIntegerField(_("attempt number"), default=1)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    # [{"question": id, "choices": [id, ...]}, ...] in the order shown.
    drawn = models.JSONField(_("questions drawn"), default=list)
    # {"<question id>": [choice id, ...]}
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submission_key = models.CharField(_("submission key"), max_length=64, blank=True)
    score = models.PositiveIntegerField(_("correct answers"), null=True, blank=True)
    max_score = models.PositiveIntegerField(_("questions"), default=0)
    time_taken = models.DurationField(_("time taken"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    # Closed by the server when its time ran out, scored on the answers saved
    # until then; ``submitted_at`` is then the deadline.
    expired = models.BooleanField(_("time ran out"), default=False)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "member", "number"], name="unique_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["quiz", "member"],
                condition=models.Q(submitted_at__isnull=True),
                name="one_open_attempt_per_quiz",
            ),
        ]
        indexes = [
            models.Index(fields=["quiz", "-score", "time_taken"], name="quiz_ranking_idx"),
        ]

    def __str__(self):
        return f"{self.member} – {self.quiz} #{self.number}"

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    @property
    def percent(self):
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score)
