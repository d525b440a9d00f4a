"""The admin's reports on a unit of the tree: one rule for which unit a report
is about and who may see it.

Every committee report (reading figures, the study report, branch life's
monthly table) is opened on ``?unit=`` (a code, or an id when no code
matches) or, without one, on the user's highest board unit; it answers a
real 403 outside the user's scope (``editorial.permissions.may_report_on``)
and a 404 for a unit that does not exist. Its XLSX download is named after
the unit and the day.
"""

from django.db.models import Q
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from .models import Unit
from .permissions import (
    board_roles,
    is_active_user,
    is_platform_admin,
    may_report_on,
    may_see_reports,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def find_unit(value):
    """A unit by code, or by id when no code matches."""
    condition = Q(code=value)
    if value.isascii() and value.isdigit() and len(value) <= 10:
        condition |= Q(pk=int(value))
    units = list(Unit.objects.filter(condition))
    return next((unit for unit in units if unit.code == value), None) or (
        units[0] if units else None
    )


def default_report_unit(user, levels=None):
    """The unit a report opens on: the user's highest board unit, or the top
    of the tree for platform admins; with ``levels``, the first unit of those
    levels at or below it. None for users who may see no report."""
    if not is_active_user(user):
        return None
    if is_platform_admin(user):
        top = Unit.objects.active().filter(depth=1).order_by("path").first()
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


def row_label(unit, direct):
    """A report row's name: a unit with units below it whose row counts only
    the members attached to it directly says so (a branch's own report lists
    its members as its only row: no remark)."""
    if direct and unit.numchild:
        return gettext("%(unit)s (members attached directly)") % {"unit": unit.name}
    return unit.name


def xlsx_response(content, name, unit, stamp=None):
    """An XLSX download named ``<name>-<unit code>-<stamp, else today>.xlsx``."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    stamp = stamp or timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{slugify(unit.code) or unit.pk}-{stamp}.xlsx"'
    )
    return response


class UnitReportMixin:
    """``get()`` resolves and checks the unit, then ``prepare(request)``
    (the report's own choices and figures) and ``respond()``.

    A subclass sets ``denied_template`` and ``denied_title`` and, for a
    report about some levels of the tree only, ``levels``."""

    denied_template = None
    denied_title = ""
    levels = None

    def get(self, request, *args, **kwargs):
        if not may_see_reports(request.user):
            return self.denied()
        self.unit_query = request.GET.get("unit", "").strip()
        self.unit = find_unit(self.unit_query) if self.unit_query else None
        if self.unit_query and self.unit is None:
            return self.not_found()
        if self.unit is None:
            self.unit = default_report_unit(request.user, self.levels)
        if self.unit is None or not may_report_on(request.user, self.unit):
            return self.denied()
        refused = self.prepare(request)
        return refused if refused is not None else self.respond()

    def prepare(self, request):
        """Build the report; return a response to answer with instead."""

    def not_found(self):
        return HttpResponse(status=404)

    def denied(self, message=None):
        # A real 403 (not Wagtail's redirect): a script fetching the XLSX sees it.
        context = {"page_title": self.denied_title, "message": message}
        return TemplateResponse(self.request, self.denied_template, context, status=403)
