"""Quiz pages: which questions to draw from the bank, when, for how long, for whom.

The bank is in ``question_bank``, the attempts in ``quiz_attempts``. The
rules of an attempt (deadline, one open attempt, idempotent submit, when
corrections show) live in ``content_types.quizzes``, which the quiz page calls
(to check the bank on publishing, and for the reader's standing on the page)
and which never imports this module.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from editorial.models import Unit
from editorial.models.members import CommitteeRoleKind

from ..quizzes.drawing import DrawRule, bank_shortfalls
from ..quizzes.status import reader_status
from .base import AUDIENCE_PANEL, UnitContentPage
from .question_bank import Difficulty, QuestionCategory


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
