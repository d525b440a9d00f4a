"""Which unit an admin view of branch life is about, and whether the user may
see it: the reports' rule (``editorial.permissions.report_scope``), the units
of the user's boards and everything below them."""

from django.utils.translation import gettext_lazy as _

from editorial.unit_reports import UnitReportMixin

from ..monthly import Month

DENIED_TEMPLATE = "branches/admin/denied.html"


class UnitScopeMixin(UnitReportMixin):
    """The unit as every committee report finds and checks it
    (``editorial.unit_reports``), then ``?month=`` (YYYY-MM; else none, or the
    current month where one is needed). An unknown unit is refused like one
    outside the user's scope: the answer tells nothing of what exists."""

    month_required = False
    denied_template = DENIED_TEMPLATE
    denied_title = _("Branch life")

    def prepare(self, request):
        if self.levels is not None and self.unit.level not in self.levels:
            return self.denied(_("The monthly table is for grassroots and district units."))
        self.month = self.chosen_month(request.GET.get("month", ""))
        return None

    def not_found(self):
        return self.denied()

    def chosen_month(self, text):
        try:
            return Month.parse(text)
        except ValueError:
            return Month.current() if self.month_required else None
