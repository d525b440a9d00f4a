"""The reading figures report in the admin (Reports → Reading figures).

Board members (any role) see the units of their boards' subtrees, platform
administrators and superusers every unit; everyone else gets a 403, and so
does a unit outside the caller's subtrees (``?unit=``, its code or id). The
period is ``?period=`` 7, 30 or 90 days (anything else: 30). The XLSX
download takes the same parameters and the same check. Counts only: no
member is named anywhere in it.
"""

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from editorial.unit_reports import UnitReportMixin, xlsx_response

from .export import reading_figures_xlsx
from .figures import DEFAULT_PERIOD, PERIODS, reading_figures

DENIED_TEMPLATE = "readership/reading_figures_denied.html"


def chosen_period(request):
    value = request.GET.get("period", "")
    return int(value) if value in {str(days) for days in PERIODS} else DEFAULT_PERIOD


class ReadingFiguresMixin(UnitReportMixin):
    """The unit (``editorial.unit_reports``), the period, the figures."""

    denied_template = DENIED_TEMPLATE
    denied_title = _("Reading figures")

    def prepare(self, request):
        self.period = chosen_period(request)
        self.figures = reading_figures(self.unit, period_days=self.period)

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
    def respond(self):
        return xlsx_response(reading_figures_xlsx(self.figures), "reading-figures", self.unit)
