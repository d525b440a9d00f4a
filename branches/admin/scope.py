"""Which unit an admin view of branch life is about, and whether the user may
see it: the reports' rule (``editorial.permissions.report_scope``), the units
of the user's boards and everything below them."""

from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from editorial.models import Unit
from editorial.permissions import board_roles, is_platform_admin, may_report_on, may_see_reports

from ..monthly import Month

DENIED_TEMPLATE = "branches/admin/denied.html"


def find_unit(value):
    """An active unit by code, or by id when no code matches."""
    condition = Q(code=value)
    if value.isascii() and value.isdigit() and len(value) <= 10:
        condition |= Q(pk=int(value))
    units = list(Unit.objects.active().filter(condition))
    return next((unit for unit in units if unit.code == value), None) or (
        units[0] if units else None
    )


def default_unit(user, levels=None):
    """The user's highest board unit (of ``levels``, else the first unit of
    those levels below it); for platform administrators the top of the tree."""
    if is_platform_admin(user):
        top = Unit.objects.active().filter(depth=1).first()
    else:
        unit_ids = [unit_id for _role, _path, unit_id in board_roles(user)]
        top = Unit.objects.active().filter(pk__in=unit_ids).order_by("depth", "path").first()
    if top is None or levels is None or top.level in levels:
        return top
    return (
        Unit.objects.active()
        .filter(path__startswith=top.path, level__in=levels)
        .order_by("depth", "path")
        .first()
    )


class UnitScopeMixin:
    """``get()`` resolves ``?unit=`` (code or id; else the user's own unit)
    and ``?month=`` (YYYY-MM; else none, or the current month where one is
    needed), answers 403 outside the user's scope, then ``respond()``."""

    #: The levels the view is about (None: any).
    levels = None
    month_required = False
    denied_title = _("Branch life")

    def get(self, request, *args, **kwargs):
        user = request.user
        if not may_see_reports(user):
            return self.denied()
        self.unit_query = request.GET.get("unit", "").strip()
        self.unit = (
            find_unit(self.unit_query) if self.unit_query else default_unit(user, self.levels)
        )
        if self.unit is None or not may_report_on(user, self.unit):
            return self.denied()
        if self.levels is not None and self.unit.level not in self.levels:
            return self.denied(_("The monthly table is for grassroots and district units."))
        self.month = self.chosen_month(request.GET.get("month", ""))
        return self.respond()

    def chosen_month(self, text):
        try:
            return Month.parse(text)
        except ValueError:
            return Month.current() if self.month_required else None

    def denied(self, message=None):
        # A real 403 (not Wagtail's redirect): a script fetching the XLSX sees it.
        context = {"page_title": self.denied_title, "message": message}
        return TemplateResponse(self.request, DENIED_TEMPLATE, context, status=403)
