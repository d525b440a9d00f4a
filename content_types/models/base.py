"""The base of every content page: an owning unit (from the tree) and an audience."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.timezone import get_default_timezone, localtime
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PagePermissionTester

from editorial.models import Unit, UnitStatus

from ..localization import source_page
from .audience import (
    Audience,
    PageAudience,
    PageReaderScope,
    readable_for,
    readable_page,
    reader_index_fields,
)
from .feeds import touch_feeds

AUDIENCE_PANEL = MultiFieldPanel(
    [FieldPanel("audience"), FieldPanel("audience_units")],
    heading=_("Who may read this"),
)


class LeafPagePermissionTester(PagePermissionTester):
    """Wagtail lets an editor without publish rights delete a page only when
    nothing in its subtree is live, asked with a query. For a page without
    children that subtree is the page itself: no query, so the explorer does
    not ask once per listed page."""

    def can_delete(self, ignore_bulk=False):
        if (
            self.page.is_leaf()
            and self.user.is_active
            and not self.user.is_superuser
            and "change" in self.permissions
            and "publish" not in self.permissions
        ):
            return not self.page.live
        return super().can_delete(ignore_bulk=ignore_bulk)


class UnitContentPage(Page):
    """A page that belongs to the unit whose home page it sits under.

    The owning unit is never typed in: it follows from the tree, so moving a
    page (or merging its unit) changes it. Readers see the audience of the
    published version, copied to ``PageAudience`` by ``sync_audience``.
    """

    audience = models.CharField(
        _("audience"),
        max_length=16,
        choices=Audience.choices,
        default=Audience.PUBLIC,
        help_text=_(
            "Public pages are shown to everyone; members-only pages to signed-in members; "
            "unit pages only to the members of this unit and the units below it."
        ),
    )
    audience_units = ParentalManyToManyField(
        "editorial.Unit",
        verbose_name=_("readers' units"),
        blank=True,
        related_name="+",
        help_text=_(
            "Only for unit pages: leave empty for this unit's members, or choose the units "
            "whose members may read it."
        ),
    )

    class Meta:
        abstract = True

    def permissions_for_user(self, user):
        return LeafPagePermissionTester(user, self)

    def clean(self):
        super().clean()
        if self.audience != Audience.UNIT and self.pk and self.audience_units.exists():
            raise ValidationError(
                {"audience_units": _("Choose readers' units only for a unit audience.")}
            )

    def serve(self, request, *args, **kwargs):
        # The reader site applies the same audience as the API: a page the
        # caller may not read does not exist for them. Privacy stays Wagtail's
        # (the password form, sign-in), which runs before serve().
        if not readable_page(request.user, self, privacy=False):
            raise Http404
        return super().serve(request, *args, **kwargs)

    @property
    def owning_unit(self):
        return Unit.objects.containing_page(self).first() if self.path else None

    def audience_source(self):
        """The page whose audience readers get: this one, or (for a lesson) its module."""
        return self

    def reader_facets(self):
        """What the reader filters read from the reader index (``PageAudience``)
        besides the type: the date readers see, here the first publication's
        day in the site's time zone; news and documents add their own."""
        published = self.first_published_at
        day = localtime(published, get_default_timezone()).date() if published else None
        return {"reader_date": day}

    def get_workflow(self):
        """A translation is moderated like its Vietnamese original, by the same board."""
        if self.locale_id and self.locale.language_code != settings.LANGUAGE_CODE:
            source = source_page(self)
            if source.pk != self.pk:
                return source.get_workflow()
        return super().get_workflow()

    def alias_origin(self):
        """The page an alias mirrors (following chains of aliases); the page itself otherwise."""
        page = self
        while page.alias_of_id:
            page = page.alias_of.specific
        return page

    @transaction.atomic
    def sync_audience(self):
        """Copy the published audience and the owning unit to the filter tables.

        An alias (another unit's copy, or a locale's mirror of the tree) gets
        its original's owner and readers: it shows the same content.
        """
        origin = self.alias_origin()
        unit = origin.owning_unit
        source = origin.audience_source()
        owner_before = PageAudience.objects.filter(page_id=self.pk).values_list("unit_path")
        touch_feeds({path for (path,) in owner_before} | {unit.path if unit else ""})
        row, _created = PageAudience.objects.update_or_create(
            page_id=self.pk,
            defaults={
                "unit": unit,
                "unit_path": unit.path if unit else "",
                "audience": source.audience,
                **reader_index_fields(self),
            },
        )
        paths = set()
        if source.audience == Audience.UNIT:
            chosen = source.audience_units.filter(status=UnitStatus.ACTIVE)
            paths = set(chosen.values_list("path", flat=True)) or ({unit.path} if unit else set())
        row.reader_scopes.exclude(path__in=paths).delete()
        existing = set(row.reader_scopes.values_list("path", flat=True))
        PageReaderScope.objects.bulk_create(
            PageReaderScope(page_audience=row, path=path) for path in paths - existing
        )
        return row


class UnitListingPage(Page):
    """A unit's list of one kind of content (news, documents), one per unit home,
    showing only what the reader may read."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["content_types.UnitHomePage"]
    max_count_per_parent = 1

    class Meta:
        abstract = True

    def readable_children(self, model, request):
        return model.objects.child_of(self).live().public().filter(readable_for(request.user))
