"""Quizzes and contests: a question bank owned by units, quiz pages that draw from
it, and attempts timed by the server.

A question lives in the bank (a snippet) and is drawn into an attempt; the
attempt stores what it drew (question and choice ids in the shuffled order) so
that editing the bank later never changes a submitted score. The rules of an
attempt (deadline, one open attempt, idempotent submit, when corrections show)
live in ``content_types.quizzes``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.forms import BaseChildFormSet
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from editorial.models import Unit
from editorial.models.members import CommitteeRoleKind

from .base import AUDIENCE_PANEL, UnitContentPage

MIN_CHOICES, MAX_CHOICES = 2, 6


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class QuestionCategory(TranslatableMixin, models.Model):
    """A topic of the question bank (Party statute, a resolution, history ...)."""

    name = models.CharField(_("name"), max_length=120)

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "locale"], name="unique_category_name")
        ]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")

    def __str__(self):
        return self.name


class QuizChoiceFormSet(BaseChildFormSet):
    """Two to six choices, at least one of them correct; the error is shown
    above the choices, in the editor's language."""

    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and not form.cleaned_data.get("DELETE")
            and (form.cleaned_data.get("text") or "").strip()
        ]
        problem = choices_problem(len(kept), sum(1 for data in kept if data.get("is_correct")))
        if problem:
            raise ValidationError(problem, code="choices")


def choices_problem(given, correct):
    """The message for a set of ``given`` choices of which ``correct`` are right,
    or None when it is a valid question (the admin form and the import agree)."""
    if given < MIN_CHOICES:
        return gettext("Give at least two choices.")
    if given > MAX_CHOICES:
        return gettext("Give at most six choices.")
    if not correct:
        return gettext("Tick at least one correct choice.")
    return None


class ChoicesPanel(InlinePanel):
    """The choices of a question, checked together by ``QuizChoiceFormSet``.

    ``min_num``/``max_num`` still drive the editor's add and delete buttons;
    Django's own count messages are replaced by the formset's clearer ones.
    """

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        formset.update(formset=QuizChoiceFormSet, validate_min=False, validate_max=False)
        return options


class QuizQuestionQuerySet(models.QuerySet):
    def in_source_language(self):
        """The bank as written, in Vietnamese; translations mirror it question by question."""
        return self.filter(locale__language_code=settings.LANGUAGE_CODE)

    def in_bank_of(self, unit):
        """The questions a unit's quizzes draw from: its own and those of the
        units above it (a district uses its bank and the province's)."""
        return self.filter(unit__path__in=unit.ancestor_paths())

    def drawable(self):
        """Questions that can be asked: two to six choices, at least one correct."""
        return self.annotate(
            choice_count=Count("choices"),
            correct_count=Count("choices", filter=Q(choices__is_correct=True)),
        ).filter(
            choice_count__gte=MIN_CHOICES,
            choice_count__lte=MAX_CHOICES,
            correct_count__gte=1,
        )


class QuizQuestion(TranslatableMixin, index.Indexed, ClusterableModel):
    """A question of the bank, with two to six choices of which one or more are right."""

    unit = models.ForeignKey(
        "editorial.Unit",
        verbose_name=_("owning unit"),
        on_delete=models.PROTECT,
        related_name="quiz_questions",
    )
    text = models.TextField(_("question"), max_length=1000)
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    difficulty = models.CharField(
        _("difficulty"), max_length=8, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_("Shown to the member after the attempt is submitted."),
    )
    code = models.CharField(
        _("code"),
        max_length=64,
        blank=True,
        help_text=_(
            "Optional identifier from an import file: importing the file again updates "
            "the question with this code instead of adding a copy."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = QuizQuestionQuerySet.as_manager()

    panels = [
        FieldPanel("text"),
        ChoicesPanel(
            "choices",
            label=_("Choices"),
            min_num=MIN_CHOICES,
            max_num=MAX_CHOICES,
            help_text=_("Two to six choices; tick every correct one."),
        ),
        FieldPanel("explanation"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("difficulty")]),
        FieldRowPanel([FieldPanel("unit"), FieldPanel("code")]),
    ]
    search_fields = [
        index.SearchField("text"),
        index.AutocompleteField("text"),
        index.FilterField("unit"),
        index.FilterField("category"),
        index.FilterField("difficulty"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("quiz question")
        verbose_name_plural = _("question bank")
        indexes = [models.Index(fields=["category", "difficulty"])]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "code", "locale"],
                condition=~Q(code=""),
                name="unique_question_code_per_unit",
            )
        ]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"


class QuizChoice(TranslatableMixin, Orderable):
    question = ParentalKey(QuizQuestion, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("choice"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    panels = [FieldRowPanel([FieldPanel("text"), FieldPanel("is_correct")])]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self):
        return self.text


class QuizForm(WagtailAdminPageForm):
    """Checks, when the quiz is published or submitted (not on saving a draft,
    so a quiz can be prepared before its bank is filled), that the bank holds
    enough questions for every draw rule."""

    def owning_unit(self):
        if self.instance.pk and self.instance.path:
            return self.instance.owning_unit
        if self.parent_page is None:
            return None
        return Unit.objects.containing_page(self.parent_page).first()

    def clean(self):
        from content_types.quizzes import DrawRule, bank_shortfalls

        cleaned_data = super().clean()
        formset = self.formsets.get("draw_rules")
        if self.is_deferred_validation or formset is None or not formset.is_valid():
            return cleaned_data
        rules = [
            DrawRule(
                category_id=data["category"].pk if data.get("category") else None,
                difficulty=data.get("difficulty") or "",
                count=data["count"],
            )
            for data in (getattr(form, "cleaned_data", None) for form in formset.forms)
            if data and not data.get("DELETE") and data.get("count")
        ]
        unit = self.owning_unit()
        if rules and unit is not None:
            for message in bank_shortfalls(unit, rules):
                self.add_error(None, message)
        return cleaned_data


class Quiz(UnitContentPage):
    """A quiz or a contest: which questions to draw, when, for how long, for whom."""

    intro = RichTextField(_("introduction"), blank=True)
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("Counted by the server from the moment the member starts."),
    )
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    attempts_allowed = models.PositiveIntegerField(
        _("attempts allowed"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many times one member may take it."),
    )
    pass_mark = models.PositiveIntegerField(
        _("pass mark (%)"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("The share of correct answers needed to pass, in percent."),
    )
    is_contest = models.BooleanField(
        _("contest"),
        default=False,
        help_text=_("In a contest, correct answers are shown only after it closes."),
    )
    required_role = models.CharField(
        _("only for"),
        max_length=32,
        choices=CommitteeRoleKind.choices,
        blank=True,
        help_text=_("Leave empty for every reader; or narrow the quiz to members holding a role."),
    )
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)

    content_panels = [
        FieldPanel("title"),
        InlinePanel(
            "draw_rules",
            label=_("Questions drawn"),
            min_num=1,
            help_text=_("How many questions to draw from each category and difficulty."),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("attempts_allowed")]),
                FieldRowPanel([FieldPanel("pass_mark"), FieldPanel("is_contest")]),
                FieldPanel("shuffle_choices"),
            ],
            heading=_("Rules"),
        ),
        FieldPanel("intro"),
        AUDIENCE_PANEL,
        FieldPanel("required_role"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["content_types.LearningIndexPage"]
    subpage_types = []
    template = "content_types/quiz.html"
    base_form_class = QuizForm

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def clean(self):
        super().clean()
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The quiz must close after it opens.")
        elif self.is_contest and not self.closes_at:
            # A contest's answers are revealed when it closes: it must close.
            errors["closes_at"] = _("A contest needs a closing time.")
        if errors:
            raise ValidationError(errors)

    @property
    def question_count(self):
        return sum(rule.count for rule in self.draw_rules.all())

    def get_context(self, request, *args, **kwargs):
        from content_types.quizzes import reader_status

        context = super().get_context(request, *args, **kwargs)
        context["status"] = reader_status(self, request.user) if self.pk else None
        return context


class QuizDrawRule(Orderable):
    """Draw ``count`` questions of a category (and difficulty) at random."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="draw_rules")
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty to draw from every category."),
    )
    difficulty = models.CharField(
        _("difficulty"),
        max_length=8,
        choices=Difficulty.choices,
        blank=True,
        help_text=_("Leave empty for any difficulty."),
    )
    count = models.PositiveIntegerField(
        _("number of questions"), default=10, validators=[MinValueValidator(1)]
    )

    panels = [
        FieldRowPanel([FieldPanel("category"), FieldPanel("difficulty"), FieldPanel("count")])
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("draw rule")
        verbose_name_plural = _("draw rules")


class QuizAttempt(models.Model):
    """One member's attempt: what was drawn, when it must end, what was answered."""

    quiz = models.ForeignKey(
        Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="attempts"
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
