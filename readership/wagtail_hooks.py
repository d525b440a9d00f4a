"""Admin registration: the reading figures report, under Reports."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from editorial.permissions import may_see_reports

from .views import ReadingFiguresView, ReadingFiguresXlsxView


class ReadingFiguresMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_reports(request.user)


@hooks.register("register_admin_urls")
def register_reading_figures_urls():
    return [
        path("reading-figures/", ReadingFiguresView.as_view(), name="reading_figures"),
        path(
            "reading-figures/xlsx/", ReadingFiguresXlsxView.as_view(), name="reading_figures_xlsx"
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_reading_figures_menu_item():
    return ReadingFiguresMenuItem(
        _("Reading figures"),
        reverse("reading_figures"),
        name="reading-figures",
        icon_name="view",
        order=1320,
    )
