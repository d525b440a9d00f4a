"""News: written locally or sourced from another portal with a link back."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from ..blocks import ArticleBodyBlock
from .base import AUDIENCE_PANEL, UnitContentPage, UnitListingPage


class NewsCategory(models.TextChoices):
    PROVINCE = "province", _("Province news")
    COUNTRY = "country", _("National news")
    WORLD = "world", _("World news")
    UNIT_ACTIVITIES = "unit_activities", _("Unit activities")


class NewsIndexPage(UnitListingPage):
    """A unit's news list."""

    subpage_types = ["content_types.NewsArticle"]
    template = "content_types/news_index_page.html"

    class Meta:
        verbose_name = _("news list")
        verbose_name_plural = _("news lists")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = self.readable_children(NewsArticle, request)
        context["articles"] = articles.order_by("-date", "-pk")[:50]
        return context


class NewsArticle(UnitContentPage):
    lead = models.TextField(
        _("lead"), max_length=600, help_text=_("Two or three sentences shown in lists.")
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"))
    category = models.CharField(
        _("category"), max_length=32, choices=NewsCategory.choices, default=NewsCategory.PROVINCE
    )
    date = models.DateField(
        _("publish date"), default=timezone.localdate, help_text=_("The date shown to readers.")
    )
    featured_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("featured image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_name = models.CharField(
        _("source name"),
        max_length=255,
        blank=True,
        help_text=_("For items taken from another portal, e.g. Báo Thái Nguyên."),
    )
    source_url = models.URLField(_("source address"), max_length=500, blank=True)

    content_panels = [
        FieldPanel("title"),
        FieldPanel("lead"),
        FieldPanel("body"),
        FieldPanel("category"),
        FieldPanel("date"),
        FieldPanel("featured_image"),
        MultiFieldPanel(
            [FieldPanel("source_name"), FieldPanel("source_url")],
            heading=_("Source (for sourced news)"),
        ),
        AUDIENCE_PANEL,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("category"),
        index.FilterField("date"),
    ]
    parent_page_types = ["content_types.NewsIndexPage"]
    subpage_types = []
    template = "content_types/news_article.html"

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    def reader_facets(self):
        return {"news_category": self.category, "reader_date": self.date}

    def clean(self):
        super().clean()
        if self.source_url and not self.source_name:
            raise ValidationError({"source_name": _("Name the source when you give its address.")})
