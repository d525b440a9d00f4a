"""The study completion report in the admin (Reports → Study report).

Board members (any role) see the units of their boards' subtrees, platform
administrators and superusers every unit; everyone else gets a 403. The unit
is chosen with ``?unit=`` (its code or id) and by following the child units'
links; ``?module=`` (repeatable) narrows the columns. The XLSX download takes
the same parameters and the same check.
"""

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from editorial.models import Unit
from editorial.permissions import may_report_on
from editorial.unit_reports import UnitReportMixin, xlsx_response

from ..study import completion_report, report_modules
from .study_report_export import completion_report_xlsx

DENIED_TEMPLATE = "content_types/admin/study_report_denied.html"


def format_rate(rate):
    if rate is None:
        return "—"
    # number_format cuts decimals off; round first so 3/7 reads 42.9 %.
    return f"{formats.number_format(round(rate * 100, 1), 1)} %"


class StudyReportMixin(UnitReportMixin):
    """The unit (``editorial.unit_reports``), the modules, the report."""

    denied_template = DENIED_TEMPLATE
    denied_title = _("Study report")

    def prepare(self, request):
        self.available_modules = list(report_modules(self.unit))
        wanted = set(request.GET.getlist("module"))
        self.modules = [
            module for module in self.available_modules if str(module.pk) in wanted
        ] or self.available_modules
        self.report = completion_report(self.unit, modules=self.modules)

    def query_string(self, unit=None, **extra):
        params = [("unit", (unit or self.unit).code)]
        if self.modules != self.available_modules:
            params += [("module", module.pk) for module in self.modules]
        return urlencode(params + list(extra.items()))

    def report_url(self, unit=None, name="study_report"):
        return f"{reverse(name)}?{self.query_string(unit)}"


class StudyReportView(StudyReportMixin, WagtailAdminTemplateMixin, View):
    template_name = "content_types/admin/study_report.html"
    page_title = _("Study report")
    header_icon = "tasks"

    def not_found(self):
        context = self.get_context_data(unit=None, error=True)
        return TemplateResponse(self.request, self.template_name, context, status=404)

    def respond(self):
        return TemplateResponse(self.request, self.template_name, self.get_context_data())

    def get_page_subtitle(self):
        unit = getattr(self, "unit", None)
        return unit.name if unit else ""

    def get_breadcrumbs_items(self):
        items = [
            *self.breadcrumbs_items,
            {"url": reverse("study_report"), "label": _("Study report")},
        ]
        unit = getattr(self, "unit", None)
        if unit is not None and hasattr(self, "report"):
            ancestors = Unit.objects.filter(path__in=unit.ancestor_paths()[:-1]).order_by("path")
            items += [
                {"url": self.report_url(ancestor), "label": str(ancestor)}
                for ancestor in ancestors
                if may_report_on(self.request.user, ancestor)
            ]
            items.append({"url": "", "label": unit.name})
        return items

    def get_header_buttons(self):
        if not hasattr(self, "report"):
            return []
        return [
            HeaderButton(
                _("Download XLSX"),
                url=self.report_url(name="study_report_xlsx"),
                icon_name="download",
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not hasattr(self, "report"):
            context.update(unit_query=getattr(self, "unit_query", ""))
            return context
        report = self.report

        def cells(row):
            return [
                {
                    "completed": figures.completed,
                    "expected": figures.expected,
                    "rate": format_rate(figures.rate),
                }
                for figures in row.figures
            ]

        rows = [
            {
                "label": row.label,
                "unit": row.unit,
                "members": row.members,
                "cells": cells(row),
                "url": self.report_url(row.unit) if row.unit.numchild and not row.direct else "",
            }
            for row in report.rows
        ]
        context.update(
            report=report,
            rows=rows,
            total={"members": report.total.members, "cells": cells(report.total)},
            unit=self.unit,
            unit_query=self.unit_query or self.unit.code,
            available_modules=self.available_modules,
            chosen_module_ids={module.pk for module in self.modules},
            xlsx_url=self.report_url(name="study_report_xlsx"),
            column_count=2 + 2 * len(report.modules),
        )
        return context


class StudyReportXlsxView(StudyReportMixin, View):
    def respond(self):
        return xlsx_response(completion_report_xlsx(self.report), "study-report", self.unit)
