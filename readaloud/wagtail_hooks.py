"""Read-aloud in the Wagtail admin: "Remake audio" in a spoken page's header
menu and in the page listing's "more" menu (for those who may edit the
page), and the "Read-aloud audio" report under Reports (for board members).

Registered from here, so that ``content_types`` never imports ``readaloud``.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from editorial.permissions import may_see_reports

from .views import AudioReportView, is_spoken, may_remake, remake_audio, remake_url


class AudioReportMenuItem(MenuItem):
    """Shown to board members and platform administrators only."""

    def is_shown(self, request):
        return may_see_reports(request.user)


def remake_button(page, user, priority):
    """A button that POSTs to the remake view, or None when not offered."""
    if not (page.live and is_spoken(page) and may_remake(user, page)):
        return None
    return Button(
        _("Remake audio"),
        icon_name="resubmit",
        attrs={
            "data-controller": "w-action",
            "data-action": "w-action#post",
            "data-w-action-url-value": remake_url(page),
        },
        priority=priority,
    )


@hooks.register("register_page_header_buttons")
def remake_in_page_header(page, user, view_name, next_url=None):
    button = remake_button(page, user, priority=66)
    return [button] if button else []


@hooks.register("register_page_listing_more_buttons")
def remake_in_page_listing(page, user, next_url=None):
    button = remake_button(page, user, priority=55)
    return [button] if button else []


@hooks.register("register_admin_urls")
def register_readaloud_urls():
    return [
        path("readaloud/remake/<int:page_id>/", remake_audio, name="readaloud_remake"),
        path("readaloud/report/", AudioReportView.as_view(), name="readaloud_report"),
        path(
            "readaloud/report/results/",
            AudioReportView.as_view(results_only=True),
            name="readaloud_report_results",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_audio_report_menu_item():
    return AudioReportMenuItem(
        _("Read-aloud audio"),
        reverse("readaloud_report"),
        name="readaloud-audio",
        icon_name="media",
        order=1400,
    )
