"""Admin registration of branch life: a "Branch life" menu with the
committees' view of meetings and tasks, the monthly table (and its XLSX),
and the secretaries' "New meeting"."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from editorial.permissions import may_see_reports

from . import roles
from .admin.meeting_create import MeetingCreateView
from .admin.minutes_photos import MinutesPhotosView
from .admin.monthly_views import MonthlyTableView, MonthlyTableXlsxView
from .admin.overview import BranchLifeView


class ReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_reports(request.user)


class NewMeetingMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(roles.secretary_branch_ids(roles.member_of(request.user)))


@hooks.register("register_admin_urls")
def register_branch_life_urls():
    return [
        path("branches/", BranchLifeView.as_view(), name="branches_overview"),
        path("branches/monthly/", MonthlyTableView.as_view(), name="branches_monthly_table"),
        path(
            "branches/monthly/xlsx/",
            MonthlyTableXlsxView.as_view(),
            name="branches_monthly_table_xlsx",
        ),
        path(
            "branches/meetings/new/",
            MeetingCreateView.as_view(),
            name="branches_meeting_create",
        ),
        path(
            "branches/meetings/<int:meeting_id>/minutes-photos/",
            MinutesPhotosView.as_view(),
            name="branches_minutes_photos",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_branch_life_menu():
    items = [
        ReportsMenuItem(
            _("Meetings and tasks"),
            reverse("branches_overview"),
            name="branch-life-overview",
            icon_name="group",
            order=100,
        ),
        ReportsMenuItem(
            _("Monthly table"),
            reverse("branches_monthly_table"),
            name="branch-life-monthly",
            icon_name="table",
            order=200,
        ),
        NewMeetingMenuItem(
            _("New meeting"),
            reverse("branches_meeting_create"),
            name="branch-life-new-meeting",
            icon_name="date",
            order=300,
        ),
    ]
    return SubmenuMenuItem(
        _("Branch life"), Menu(items=items), name="branch-life", icon_name="group", order=270
    )
