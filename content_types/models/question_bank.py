"""The question bank: questions owned by units, with their choices and topics.

A question lives in the bank (a snippet) and is drawn into an attempt
(``quiz_attempts``); quiz pages (``quizzes``) say what to draw. The bank is
written in Vietnamese; translations mirror it question by question.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.forms import BaseChildFormSet
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable, TranslatableMixin
from wagtail.search import index

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
