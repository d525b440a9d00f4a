"""The admin's "New meeting" (URL name ``branches_meeting_create``, the
action the editor's landing shows on a branch): a secretary or deputy
secretary prepares a meeting of their branch with its agenda and materials,
and announces it or keeps it a draft. Everything goes through the services
(``branches.meetings``, ``branches.uploads``): their refusals are shown on
the field they name. ``?unit=<branch id>`` preselects the branch.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from editorial.permissions import may_report_on

from .. import meetings, roles, uploads
from ..errors import BranchError
from .meeting_form import MeetingForm
from .scope import DENIED_TEMPLATE


class MeetingCreateView(WagtailAdminTemplateMixin, View):
    template_name = "branches/admin/meeting_create.html"
    page_title = gettext_lazy("New meeting")
    header_icon = "date"

    def dispatch(self, request, *args, **kwargs):
        self.member = roles.member_of(request.user)
        if not roles.secretary_branch_ids(self.member):
            message = _("Only a branch's secretary or deputy secretary prepares its meetings.")
            context = {"page_title": self.page_title, "message": message}
            return TemplateResponse(request, DENIED_TEMPLATE, context, status=403)
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None, files=None):
        unit = self.request.GET.get("unit", "")
        return MeetingForm(
            data,
            files,
            user=self.request.user,
            member=self.member,
            initial={"branch": unit if unit.isdigit() else None},
        )

    def get(self, request):
        return self.render(self.form())

    def post(self, request):
        form = self.form(request.POST, request.FILES)
        if form.is_valid():
            try:
                meeting = self.create(form)
            except BranchError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.messages)
            except ValidationError as error:
                form.add_error("files", error.messages)
            else:
                return self.created(meeting)
        return self.render(form, status=400)

    @transaction.atomic
    def create(self, form):
        data, user = form.cleaned_data, self.request.user
        meeting = meetings.create_meeting(
            self.member, data["branch"], created_by=user, **form.meeting_fields()
        )
        for page in data["pages"]:
            meetings.add_material(self.member, meeting, page=page)
        for uploaded in data["files"]:
            document = uploads.material_document(uploaded, "", meeting, user)
            meetings.add_material(self.member, meeting, document=document)
        if data["announce"]:
            meetings.publish_meeting(self.member, meeting)
        return meeting

    def created(self, meeting):
        if meeting.is_published:
            message = _("“%(title)s” is announced to the branch's members.")
        else:
            message = _("“%(title)s” is saved as a draft.")
        messages.success(self.request, message % {"title": meeting.title})
        if may_report_on(self.request.user, meeting.branch):
            query = urlencode({"unit": meeting.branch.code})
            return redirect(f"{reverse('branches_overview')}?{query}")
        return redirect("wagtailadmin_home")

    def render(self, form, status=200):
        context = self.get_context_data(form=form)
        return TemplateResponse(self.request, self.template_name, context, status=status)
