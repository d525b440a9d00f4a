"""Page types. The unit home page is the root of everything a unit publishes."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class UnitHomePage(Page):
    """A unit's home. Created by provisioning when the unit gets a board.

    Every page below it (and not below a deeper unit's home) belongs to the unit.
    """

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page", "content_types.UnitHomePage"]
    subpage_types = ["content_types.UnitHomePage"]

    template = "content_types/unit_home_page.html"

    class Meta:
        verbose_name = _("unit home page")
        verbose_name_plural = _("unit home pages")

    @property
    def unit(self):
        from editorial.models import Unit

        return Unit.objects.filter(home_page=self).first()
