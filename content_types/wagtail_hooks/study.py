"""Admin registrations for study: the completion report under Reports."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from editorial.permissions import may_see_reports

from ..views.study_report import StudyReportView, StudyReportXlsxView


class StudyReportMenuItem(MenuItem):
    """Shown to board members and platform administrators only."""

    def is_shown(self, request):
        return may_see_reports(request.user)


@hooks.register("register_admin_urls")
def register_study_report_urls():
    return [
        path("study-report/", StudyReportView.as_view(), name="study_report"),
        path("study-report/xlsx/", StudyReportXlsxView.as_view(), name="study_report_xlsx"),
    ]


@hooks.register("register_reports_menu_item")
def register_study_report_menu_item():
    return StudyReportMenuItem(
        _("Study report"),
        reverse("study_report"),
        name="study-report",
        icon_name="tasks",
        order=1300,
    )
