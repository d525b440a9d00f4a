"""Page types. The unit home page is the root of everything a unit publishes."""

from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Locale, Page, PagePermissionTester

from editorial.models import Unit

from ..localization import mirror_into_locales
from .documents import DocumentIndexPage
from .news import NewsIndexPage
from .study import LearningIndexPage


def standard_lists():
    """The lists every unit's home page has: (page type, title, slug)."""
    return [
        (NewsIndexPage, gettext("News"), "tin-tuc"),
        (DocumentIndexPage, pgettext("unit document list", "Documents"), "van-ban"),
        (LearningIndexPage, gettext("Study and quizzes"), "hoc-tap"),
    ]


class UnitHomePagePermissionTester(PagePermissionTester):
    """Unit home pages are made and moved by provisioning and reorganisation only.

    A board may edit its home page, but not delete, move, copy or unpublish it:
    that would cut the unit's subtree off. Only the secretariat (which holds
    bulk_delete on the whole tree) and superusers may. Deciding this from the
    permission set alone also spares the explorer a query per listed unit.
    """

    def _may_restructure(self):
        return self.user.is_active and (
            self.user.is_superuser or "bulk_delete" in self.permissions
        )

    def can_delete(self, ignore_bulk=False):
        return self._may_restructure() and super().can_delete(ignore_bulk=ignore_bulk)

    def can_move(self):
        return self._may_restructure() and super().can_move()

    def can_copy(self):
        return self._may_restructure() and super().can_copy()

    def can_unpublish(self):
        return self._may_restructure() and super().can_unpublish()


class UnitHomePage(Page):
    """A unit's home. Created by provisioning when the unit gets a board.

    Every page below it (and not below a deeper unit's home) belongs to the unit.
    """

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page", "content_types.UnitHomePage"]
    subpage_types = [
        "content_types.UnitHomePage",
        "content_types.NewsIndexPage",
        "content_types.DocumentIndexPage",
        "content_types.LearningIndexPage",
    ]

    template = "content_types/unit_home_page.html"

    class Meta:
        verbose_name = _("unit home page")
        verbose_name_plural = _("unit home pages")

    def provision_children(self):
        """Called by editorial.provisioning: every unit gets its news, document and study lists."""
        if self.locale_id != Locale.get_default().pk:
            return  # a translation's children come from the Vietnamese tree
        mirror_into_locales(self)
        for model, title, slug in standard_lists():
            if not model.objects.child_of(self).exists():
                index_page = model(title=title, slug=slug)
                self.add_child(instance=index_page)
                index_page.save_revision().publish()
                mirror_into_locales(index_page)

    def permissions_for_user(self, user):
        return UnitHomePagePermissionTester(user, self)

    @property
    def unit(self):
        return Unit.objects.filter(home_page=self).first()
