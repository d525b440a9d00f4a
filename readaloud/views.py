"""The editors' side of read-aloud in the admin: "Remake audio" on a page,
and the "Read-aloud audio" report (Reports → Read-aloud audio).

Remaking is a POST (Wagtail's ``w-action#post`` buttons send the CSRF token)
by someone who may edit the page, for a live page that is read aloud. The
report lists the audio of the pages the user may edit (platform
administrators: every page), to board members only, in a fixed number of
queries however many rows.
"""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from editorial.permissions import is_platform_admin, may_see_reports

from .models import AudioState, PageAudio
from .script import SPOKEN_PAGE_TYPES
from .tasks import request_audio
from .templatetags.readaloud_tags import format_duration


def is_spoken(page):
    """Whether ``page`` (specific or not) is of a type that is read aloud."""
    return issubclass(page.specific_class or Page, SPOKEN_PAGE_TYPES)


def may_remake(user, page):
    """Who may remake a page's audio: whoever may edit the page."""
    return page.permissions_for_user(user).can_edit()


def remake_url(page):
    return reverse("readaloud_remake", args=[page.pk])


@require_POST
def remake_audio(request, page_id):
    """Make the live page's audio again, then go back where the editor was."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None or not page.live or not is_spoken(page):
        raise Http404
    if not may_remake(request.user, page):
        # A real 403: Wagtail's admin turns PermissionDenied into a redirect.
        return HttpResponseForbidden(_("You may not edit this page."))
    request_audio(page.specific, force=True)
    messages.success(
        request, _("Audio will be made again for “%(title)s”.") % {"title": page.title}
    )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("wagtailadmin_pages:edit", page.pk)


def editable_audio(user):
    """The ``PageAudio`` rows of the pages ``user`` may edit (their boards'
    subtrees, by Wagtail's page permissions); every row for platform admins."""
    rows = PageAudio.objects.all()
    if is_platform_admin(user):
        return rows
    pages = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return rows.filter(page__in=pages.values("pk"))


class AudioFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(label=gettext_lazy("State"), choices=AudioState.choices)

    class Meta:
        model = PageAudio
        fields = ["state"]


def _page_type(row):
    model = row.page.content_type.model_class()
    return model._meta.verbose_name if model else ""


def _unit(row):
    audience = getattr(row.page, "audience_row", None)
    return audience.unit if audience is not None and audience.unit_id else ""


def _size(row):
    return filesizeformat(row.bytes) if row.bytes is not None else ""


class AudioReportView(ReportView):
    page_title = gettext_lazy("Read-aloud audio")
    header_icon = "media"
    index_url_name = "readaloud_report"
    index_results_url_name = "readaloud_report_results"
    filterset_class = AudioFilterSet
    paginate_by = 50
    model = PageAudio
    columns = [
        TitleColumn(
            "title",
            label=gettext_lazy("Page"),
            accessor="page.title",
            get_url=lambda row: reverse("wagtailadmin_pages:edit", args=[row.page_id]),
        ),
        Column("type", label=gettext_lazy("Type"), accessor=_page_type),
        Column("unit", label=gettext_lazy("Unit"), accessor=_unit),
        Column("state", label=gettext_lazy("State"), accessor="get_state_display"),
        Column("source", label=gettext_lazy("Source"), accessor="get_source_display"),
        Column(
            "duration",
            label=gettext_lazy("Duration"),
            accessor=lambda row: format_duration(row.duration_seconds),
        ),
        Column("size", label=gettext_lazy("Size"), accessor=_size),
        Column("problem", label=gettext_lazy("Problem")),
        DateColumn("made_at", label=gettext_lazy("Made at")),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not may_see_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (
            editable_audio(self.request.user)
            .select_related("page__content_type", "page__audience_row__unit")
            .order_by("-queued_at", "-pk")
        )
