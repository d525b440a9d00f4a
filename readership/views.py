"""The reading figures report in the admin (Reports → Reading figures).

Board members (any role) see the units of their boards' subtrees, platform
administrators and superusers every unit; everyone else gets a 403, and so
does a unit outside the caller's subtrees (``?unit=``, its code or id). The
period is ``?period=`` 7, 30 or 90 days (anything else: 30). The XLSX
download takes the same parameters and the same check. Counts only: no
member is named anywhere in it.
"""

from django.db.models import Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from editorial.models import Unit
from editorial.permissions import may_report_on, may_see_reports

from .export import XLSX_CONTENT_TYPE, reading_figures_xlsx
from .figures import DEFAULT_PERIOD, PERIODS, default_report_unit, reading_figures

DENIED_TEMPLATE = "readership/reading_figures_denied.html"


def find_unit(value):
    """A unit by code, or by id when no code matches."""
    condition = Q(code=value)
    if value.isascii() and value.isdigit() and len(value) <= 10:
        condition |= Q(pk=int(value))
    units = list(Unit.objects.filter(condition))
    return next((unit for unit in units if unit.code == value), None) or (
        units[0] if units else None
    )


def chosen_period(request):
    value = request.GET.get("period", "")
    return int(value) if value in {str(days) for days in PERIODS} else DEFAULT_PERIOD


class ReadingFiguresMixin:
    """Resolves and checks the unit and the period, builds the figures."""

    def get(self, request):
        if not may_see_reports(request.user):
            return self.denied()
        self.unit_query = request.GET.get("unit", "").strip()
        self.unit = find_unit(self.unit_query) if self.unit_query else None
        if self.unit_query and self.unit is None:
            return self.not_found()
        if self.unit is None:
            self.unit = default_report_unit(request.user)
        if self.unit is None or not may_report_on(request.user, self.unit):
            return self.denied()
        self.period = chosen_period(request)
        self.figures = reading_figures(self.unit, period_days=self.period)
        return self.respond()

    def denied(self):
        # A real 403 (not Wagtail's redirect): a script fetching the XLSX sees it.
        return TemplateResponse(
            self.request, DENIED_TEMPLATE, {"page_title": _("Reading figures")}, status=403
        )

    def report_url(self, unit=None, name="reading_figures"):
        query = urlencode({"unit": (unit or self.unit).code, "period": self.period})
        return f"{reverse(name)}?{query}"


class ReadingFiguresView(ReadingFiguresMixin, WagtailAdminTemplateMixin, View):
    template_name = "readership/reading_figures.html"
    page_title = _("Reading figures")
    header_icon = "view"

    def not_found(self):
        context = self.get_context_data(error=True)
        return TemplateResponse(self.request, self.template_name, context, status=404)

    def respond(self):
        return TemplateResponse(self.request, self.template_name, self.get_context_data())

    def get_page_subtitle(self):
        unit = getattr(self, "unit", None)
        return unit.name if unit else ""

    def get_header_buttons(self):
        if not hasattr(self, "figures"):
            return []
        return [
            HeaderButton(
                _("Download XLSX"),
                url=self.report_url(name="reading_figures_xlsx"),
                icon_name="download",
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(unit_query=getattr(self, "unit_query", ""), periods=PERIODS)
        if not hasattr(self, "figures"):
            return context
        rows = [
            {
                "figures": row,
                "url": self.report_url(row.unit) if row.unit.numchild and not row.direct else "",
            }
            for row in self.figures.rows
        ]
        context.update(
            figures=self.figures,
            rows=rows,
            unit=self.unit,
            unit_query=self.unit_query or self.unit.code,
            period=self.period,
        )
        return context


class ReadingFiguresXlsxView(ReadingFiguresMixin, View):
    def not_found(self):
        return HttpResponse(status=404)

    def respond(self):
        content = reading_figures_xlsx(self.figures)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        stamp = timezone.localdate().isoformat()
        filename = f"reading-figures-{slugify(self.unit.code) or self.unit.pk}-{stamp}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
