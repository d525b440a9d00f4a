"""Photos of a meeting's written minutes, added in the admin by the branch's
secretaries while the meeting is announced or once it is held (URL name
``branches_minutes_photos``). Uploads take the one path of meeting files
(``branches.uploads``: HEIC converted to JPEG); the photos are listed to
members with the meeting's materials (``part`` "minutes")."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import guards, meetings, roles, uploads
from ..errors import BranchError
from ..models import MaterialPart, Meeting, MeetingState
from .meeting_form import MultipleFileField


class MinutesPhotosForm(forms.Form):
    photos = MultipleFileField(
        label=gettext_lazy("Photos of the minutes"),
        help_text=gettext_lazy("JPEG, PNG, WEBP or HEIC, as a phone takes them."),
    )


class MinutesPhotosView(WagtailAdminTemplateMixin, View):
    template_name = "branches/admin/minutes_photos.html"
    page_title = gettext_lazy("Photos of the minutes")
    header_icon = "image"

    def dispatch(self, request, meeting_id):
        self.member = roles.member_of(request.user)
        self.meeting = get_object_or_404(Meeting.objects.select_related("branch"), pk=meeting_id)
        if not guards.may_see_meeting(self.member, self.meeting):
            raise Http404
        if not roles.is_secretary(self.member, self.meeting.branch):
            message = _("Only a branch's secretary or deputy secretary prepares its meetings.")
            context = {"page_title": self.page_title, "message": message}
            return TemplateResponse(request, "branches/admin/denied.html", context, status=403)
        return super().dispatch(request, meeting_id)

    def get_page_subtitle(self):
        return str(self.meeting)

    def get(self, request, meeting_id):
        return self.render(MinutesPhotosForm())

    def post(self, request, meeting_id):
        form = MinutesPhotosForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                self.add(form.cleaned_data["photos"])
            except (BranchError, ValidationError) as error:
                form.add_error("photos", error.messages)
            else:
                messages.success(request, _("The photos of the minutes are added."))
                return redirect(request.path)
        return self.render(form, status=400)

    @transaction.atomic
    def add(self, photos):
        for uploaded in photos:
            document = uploads.minutes_photo_document(uploaded, self.meeting, self.request.user)
            meetings.add_minutes_photo(self.member, self.meeting, document)

    def render(self, form, status=200):
        photos = self.meeting.materials.filter(part=MaterialPart.MINUTES).select_related(
            "document"
        )
        context = self.get_context_data(
            form=form,
            meeting=self.meeting,
            photos=photos,
            open_for_photos=self.meeting.state in (MeetingState.PUBLISHED, MeetingState.HELD),
        )
        return TemplateResponse(self.request, self.template_name, context, status=status)
