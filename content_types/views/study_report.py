"""The study completion report in the admin (Reports → Study report).

Board members (any role) see the units of their boards' subtrees, platform
administrators and superusers every unit; everyone else gets a 403. The unit
is chosen with ``?unit=`` (its code or id) and by following the child units'
links; ``?module=`` (repeatable) narrows the columns. The XLSX download takes
the same parameters and the same check.
"""

from django.db.models import Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from editorial.models import Unit
from editorial.permissions import may_report_on, may_see_reports

from ..study import completion_report, default_report_unit, report_modules
from .study_report_export import XLSX_CONTENT_TYPE, completion_report_xlsx

DENIED_TEMPLATE = "content_types/admin/study_report_denied.html"


def format_rate(rate):
    if rate is None:
        return "—"
    # number_format cuts decimals off; round first so 3/7 reads 42.9 %.
    return f"{formats.number_format(round(rate * 100, 1), 1)} %"


class StudyReportMixin:
    """Resolves the unit and the modules, checks the user, builds the report."""

    def get(self, request):
        if not may_see_reports(request.user):
            return self.denied()
        self.unit_query = request.GET.get("unit", "").strip()
        self.unit = self.find_unit(self.unit_query) if self.unit_query else None
        if self.unit_query and self.unit is None:
            return self.not_found()
        if self.unit is None:
            self.unit = default_report_unit(request.user)
        if self.unit is None or not may_report_on(request.user, self.unit):
            return self.denied()
        self.available_modules = list(report_modules(self.unit))
        wanted = set(request.GET.getlist("module"))
        self.modules = [
            module for module in self.available_modules if str(module.pk) in wanted
        ] or self.available_modules
        self.report = completion_report(self.unit, modules=self.modules)
        return self.respond()

    def denied(self):
        # A real 403 rather than Wagtail's redirect to the dashboard: the XLSX
        # link may be fetched by a script, which should see the refusal.
        return TemplateResponse(
            self.request, DENIED_TEMPLATE, {"page_title": _("Study report")}, status=403
        )

    @staticmethod
    def find_unit(value):
        """A unit by code, or by id when no code matches."""
        condition = Q(code=value)
        if value.isdigit():
            condition |= Q(pk=int(value))
        units = list(Unit.objects.filter(condition))
        return next((unit for unit in units if unit.code == value), None) or (
            units[0] if units else None
        )

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
    def not_found(self):
        return HttpResponse(status=404)

    def respond(self):
        content = completion_report_xlsx(self.report)
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        stamp = timezone.localdate().isoformat()
        filename = f"study-report-{slugify(self.unit.code) or self.unit.pk}-{stamp}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
