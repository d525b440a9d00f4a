"""Admin screens: proposing a page to the parent unit, and the moderation report."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Page

from editorial.models import Unit
from editorial.permissions import may_report_on, may_see_reports

from .models import Promotion
from .promotion import PromotionError, check_promotable, may_propose, propose, withdraw
from .report import moderation_report


class ProposeView(WagtailAdminTemplateMixin, View):
    """Propose a published news item or document to the parent unit's feed."""

    template_name = "workflows/propose.html"
    page_title = _("Propose to the parent unit")
    header_icon = "upload"

    def dispatch(self, request, page_id):
        self.page = get_object_or_404(Page, pk=page_id).specific
        if not may_propose(request.user, self.page):
            raise PermissionDenied
        return super().dispatch(request, page_id)

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get(self, request, page_id):
        try:
            _source, target = check_promotable(self.page)
        except PromotionError as error:
            messages.error(request, error.message)
            return redirect("wagtailadmin_explore", self.page.get_parent().pk)
        context = self.get_context_data(target=target, page=self.page)
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, page_id):
        try:
            promotion = propose(self.page, request.user, note=request.POST.get("note", "").strip())
        except PromotionError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("“%(title)s” was sent to the board of %(unit)s for review.")
                % {"title": self.page.get_admin_display_title(), "unit": promotion.unit},
            )
        return redirect("wagtailadmin_explore", self.page.get_parent().pk)


class WithdrawPromotionView(View):
    def post(self, request, promotion_id):
        promotions = Promotion.objects.select_related("unit", "source_unit", "page")
        promotion = get_object_or_404(promotions, pk=promotion_id)
        try:
            withdraw(promotion, request.user)
        except PromotionError as error:
            raise PermissionDenied(error.message) from error
        messages.success(request, _("The proposal was withdrawn."))
        return redirect("wagtailadmin_explore", promotion.page.get_parent().pk)


class ModerationReportView(WagtailAdminTemplateMixin, View):
    """Steps waiting per unit and level, with their age; ``?unit=`` narrows to a subtree."""

    template_name = "workflows/moderation_report.html"
    page_title = _("Moderation report")
    header_icon = "tasks"

    def get(self, request):
        if not may_see_reports(request.user):
            raise PermissionDenied
        unit = None
        code = request.GET.get("unit", "").strip()
        if code:
            unit = Unit.objects.filter(code=code).first()
            if unit is None or not may_report_on(request.user, unit):
                raise PermissionDenied
        report = moderation_report(request.user, unit)
        context = self.get_context_data(
            report=report, unit=unit, unit_query=code, report_url=reverse("moderation_report")
        )
        return TemplateResponse(request, self.template_name, context)
