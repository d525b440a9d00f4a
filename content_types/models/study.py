"""Resolution study ("học tập nghị quyết"): modules of ordered lessons, with
per-member progress.

A module teaches one or more resolutions; its lessons are its child pages, in
the order editors arrange them in the explorer. A lesson is read by the same
members as its module: its audience is read from the module rather than
edited twice. Progress is stored per member and lesson (``LessonProgress``)
and, once the completion rule holds, once per member and module
(``ModuleCompletion``), so the completion report is a grouped count. The rules
live in ``content_types.study``, which imports these models (never the other
way round).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from ..blocks import ArticleBodyBlock
from ..extraction import FileKind, detect_kind
from .base import AUDIENCE_PANEL, UnitContentPage, UnitListingPage
from .quizzes import Quiz


class LearningIndexPage(UnitListingPage):
    """A unit's study and quiz list (Học tập)."""

    subpage_types = ["content_types.StudyModule", "content_types.Quiz"]
    template = "content_types/learning_index_page.html"

    class Meta:
        verbose_name = _("study and quiz list")
        verbose_name_plural = _("study and quiz lists")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["modules"] = self.readable_children(StudyModule, request).order_by("-opens_on")
        context["quizzes"] = self.readable_children(Quiz, request).order_by("-opens_at")
        return context


class StudyModule(UnitContentPage):
    intro = RichTextField(
        _("introduction"), blank=True, help_text=_("What the members will learn, in brief.")
    )
    estimated_minutes = models.PositiveIntegerField(
        _("estimated time (minutes)"), default=30, validators=[MinValueValidator(1)]
    )
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    due_on = models.DateField(
        _("due on"), null=True, blank=True, help_text=_("Members should finish by this date.")
    )
    final_quiz = models.ForeignKey(
        "content_types.Quiz",
        verbose_name=_("final quiz"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="study_modules",
        help_text=_("If set, the module is complete only when the member passes this quiz."),
    )

    # Required first (title, resolutions taught), then what members read,
    # then the schedule and the completion rule. Lessons are added as child
    # pages of the module, in the order members should read them.
    content_panels = [
        FieldPanel(
            "title", help_text=_("The module's name as members see it, e.g. the resolution's.")
        ),
        InlinePanel(
            "taught_documents",
            label=_("Resolutions taught"),
            min_num=1,
            help_text=_("The documents this module teaches; at least one."),
        ),
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel(
                            "opens_on",
                            help_text=_(
                                "Members can record progress from this date; "
                                "leave empty to open at once."
                            ),
                        ),
                        FieldPanel("due_on"),
                    ]
                ),
                FieldPanel(
                    "estimated_minutes",
                    help_text=_("How long the whole module takes, lessons and quiz together."),
                ),
                FieldPanel("final_quiz"),
            ],
            heading=_("Schedule and completion"),
            help_text=_(
                "A member completes the module by opening every lesson and, "
                "if there is a final quiz, passing it."
            ),
        ),
        AUDIENCE_PANEL,
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["content_types.LearningIndexPage"]
    subpage_types = ["content_types.StudyLesson"]
    template = "content_types/study_module.html"

    class Meta:
        verbose_name = _("study module")
        verbose_name_plural = _("study modules")

    def clean(self):
        super().clean()
        if self.opens_on and self.due_on and self.due_on < self.opens_on:
            raise ValidationError({"due_on": _("The due date cannot be before the opening date.")})

    def lessons(self):
        """The published lessons in the order editors arranged them."""
        return StudyLesson.objects.child_of(self).live().order_by("path")

    def documents_taught(self):
        """The resolutions taught, in editor order (one query once saved; the
        in-memory rows while previewing an unsaved edit)."""
        return [item.document for item in self.taught_documents.select_related("document")]

    def get_context(self, request, *args, **kwargs):
        # The reader's own progress is asked by the template
        # ({% reader_progress %} in content_types.templatetags.study_tags).
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = list(self.lessons()) if self.path else []
        context["documents"] = self.documents_taught()
        return context

    def sync_audience(self):
        row = super().sync_audience()
        for lesson in StudyLesson.objects.child_of(self).live():
            lesson.sync_audience()
        return row


class StudyModuleDocument(Orderable):
    module = ParentalKey(StudyModule, on_delete=models.CASCADE, related_name="taught_documents")
    document = models.ForeignKey(
        "content_types.PartyDocument",
        verbose_name=pgettext_lazy("party document", "document"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("resolution taught")
        verbose_name_plural = _("resolutions taught")


class StudyLesson(UnitContentPage):
    body = StreamField(ArticleBodyBlock(), verbose_name=_("content"))
    audio = models.ForeignKey(
        get_document_model_string(),
        verbose_name=_("audio"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("An optional recording of the lesson, for listening."),
    )
    estimated_minutes = models.PositiveIntegerField(
        _("estimated time (minutes)"), default=10, validators=[MinValueValidator(1)]
    )

    # Readers are the module's (see audience_source), so no audience panel here.
    content_panels = [
        FieldPanel("title"),
        FieldPanel(
            "body",
            help_text=_("The reading: paragraphs, headings, images and links to documents."),
        ),
        FieldPanel(
            "estimated_minutes", help_text=_("How long reading (or listening) takes, roughly.")
        ),
        FieldPanel("audio"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["content_types.StudyModule"]
    subpage_types = []
    template = "content_types/study_lesson.html"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def module(self):
        return StudyModule.objects.filter(
            path=self.path[: -self.steplen], depth=self.depth - 1
        ).first()

    def audience_source(self):
        return self.module or self

    def clean(self):
        """The lesson's audio must be a sound recording, judged by its content
        (the document library also holds PDFs, Word files and photos)."""
        super().clean()
        if self.audio_id is None:
            return
        document = self.audio
        try:
            with document.open_file() as fileobj:
                kind = detect_kind(fileobj)
        except OSError as error:
            raise ValidationError(
                {"audio": _("The file “%(name)s” cannot be read.") % {"name": document.filename}}
            ) from error
        if kind not in FileKind.AUDIO:
            raise ValidationError(
                {
                    "audio": _(
                        "“%(name)s” is not a sound recording. Choose an MP3, M4A, AAC, Ogg, "
                        "Opus or WAV file for the lesson's audio."
                    )
                    % {"name": document.filename}
                }
            )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        module = self.module if self.path else None
        siblings = list(module.lessons()) if module else []
        ids = [lesson.pk for lesson in siblings]
        position = ids.index(self.pk) if self.pk in ids else None
        context["module"] = module
        context["lesson_number"] = position + 1 if position is not None else None
        context["lesson_count"] = len(siblings)
        context["previous_lesson"] = siblings[position - 1] if position else None
        context["next_lesson"] = (
            siblings[position + 1]
            if position is not None and position + 1 < len(siblings)
            else None
        )
        return context


class LessonProgress(models.Model):
    """When a member opened (and finished) a lesson."""

    member = models.ForeignKey(
        "editorial.Member", on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(StudyLesson, on_delete=models.CASCADE, related_name="progress")
    module = models.ForeignKey(StudyModule, on_delete=models.CASCADE, related_name="+")
    opened_at = models.DateTimeField(_("opened at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["member", "lesson"], name="unique_lesson_progress")
        ]
        indexes = [models.Index(fields=["member", "module"])]

    def __str__(self):
        return f"{self.member} – {self.lesson}"


class ModuleCompletion(models.Model):
    """A member met the module's completion rule; what the report counts."""

    member = models.ForeignKey(
        "editorial.Member", on_delete=models.CASCADE, related_name="module_completions"
    )
    module = models.ForeignKey(StudyModule, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(_("completed at"))

    class Meta:
        verbose_name = _("module completion")
        verbose_name_plural = _("module completions")
        constraints = [
            models.UniqueConstraint(fields=["member", "module"], name="unique_module_completion")
        ]

    def __str__(self):
        return f"{self.member} – {self.module}"
