"""The monthly table in the admin (Branch life → Monthly table) and its XLSX.

``?unit=`` a district, bloc or grassroots unit (its code; by default the
user's own), ``?month=`` YYYY-MM (by default this month). Board members see
the units of their boards' subtrees, platform administrators every unit;
anything else is a 403, the download included.
"""

from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from editorial.unit_reports import xlsx_response

from ..models import RatingGrade
from ..monthly import TABLE_LEVELS, monthly_table
from ..monthly_text import format_rate
from .monthly_export import monthly_table_xlsx
from .scope import UnitScopeMixin


class MonthlyTableMixin(UnitScopeMixin):
    levels = TABLE_LEVELS
    month_required = True
    denied_title = _("Monthly table")

    def respond(self):
        self.table = monthly_table(self.unit, self.month)
        return self.render_table()

    def table_url(self, name="branches_monthly_table", month=None):
        query = urlencode({"unit": self.unit.code, "month": str(month or self.month)})
        return f"{reverse(name)}?{query}"


class MonthlyTableView(MonthlyTableMixin, WagtailAdminTemplateMixin, View):
    template_name = "branches/admin/monthly.html"
    page_title = _("Monthly table")
    header_icon = "table"

    def render_table(self):
        return TemplateResponse(self.request, self.template_name, self.get_context_data())

    def get_page_subtitle(self):
        unit = getattr(self, "unit", None)
        return f"{unit.name}, {self.month}" if unit else ""

    def get_header_buttons(self):
        return [
            HeaderButton(
                _("Download XLSX"),
                url=self.table_url("branches_monthly_table_xlsx"),
                icon_name="download",
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = self.table
        context.update(
            table=table,
            grades=RatingGrade.choices,
            rows=[self.row_context(row) for row in table.rows],
            total=self.row_context(table.total),
            unit_query=self.unit_query or self.unit.code,
            month_value=str(self.month),
            previous_url=self.table_url(month=self.month.previous()),
            next_url=self.table_url(month=self.month.next()),
            overview_url=f"{reverse('branches_overview')}?"
            + urlencode({"unit": self.unit.code, "month": str(self.month)}),
        )
        return context

    @staticmethod
    def row_context(row):
        return {
            "row": row,
            "grades": [row.grades[grade] for grade in RatingGrade.values],
            "rate": format_rate(row.attendance_rate),
        }


class MonthlyTableXlsxView(MonthlyTableMixin, View):
    def render_table(self):
        content = monthly_table_xlsx(self.table)
        return xlsx_response(content, "branch-life", self.unit, stamp=str(self.month))
