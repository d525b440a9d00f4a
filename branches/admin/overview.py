"""Branch life in the admin (Branch life → Meetings and tasks): a committee's
branches' meetings with their ratings and attendance, the votes taken at
them, and the branches' tasks, in one view.

``?unit=`` the unit whose branches are shown (code; by default the user's
own), and the filters ``?branch=`` (a branch below it), ``?month=`` (YYYY-MM:
meetings starting and tasks due that month) and ``?state=`` (of the
meetings). Drafts are the secretaries' own and never listed. Scope as every
report: the units of the user's boards and below (``scope.UnitScopeMixin``).
"""

from django.db.models import Count, Q
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import roles
from ..models import (
    AttendanceStatus,
    MaterialPart,
    Meeting,
    MeetingState,
    Task,
    TaskStatus,
    Vote,
    VoteState,
)
from ..monthly import TABLE_LEVELS, branches_below
from .scope import UnitScopeMixin

#: Rows listed per table; the page says when there are more.
LISTED = 100
LISTED_STATES = [
    (value, label) for value, label in MeetingState.choices if value != MeetingState.DRAFT
]


class BranchLifeView(UnitScopeMixin, WagtailAdminTemplateMixin, View):
    template_name = "branches/admin/overview.html"
    page_title = _("Meetings and tasks")
    header_icon = "group"

    def respond(self):
        self.branches = list(branches_below(self.unit).order_by("path"))
        branch_id = self.request.GET.get("branch", "")
        self.branch = next((b for b in self.branches if str(b.pk) == branch_id), None)
        if branch_id and self.branch is None:
            return self.denied()
        self.state = self.request.GET.get("state", "")
        if self.state not in dict(LISTED_STATES):
            self.state = ""
        return TemplateResponse(self.request, self.template_name, self.get_context_data())

    def get_page_subtitle(self):
        unit = getattr(self, "unit", None)
        return unit.name if unit else ""

    def scoped(self, queryset, prefix):
        if self.branch is not None:
            return queryset.filter(**{prefix: self.branch})
        return queryset.filter(**{f"{prefix}__path__startswith": self.unit.path})

    def meetings(self):
        meetings = self.scoped(Meeting.objects.exclude(state=MeetingState.DRAFT), "branch")
        if self.state:
            meetings = meetings.filter(state=self.state)
        if self.month is not None:
            start, end = self.month.bounds()
            meetings = meetings.filter(starts_at__gte=start, starts_at__lt=end)
        present = Q(attendance__status=AttendanceStatus.PRESENT)
        minutes = Q(materials__part=MaterialPart.MINUTES)
        return (
            meetings.select_related("branch", "rating")
            .annotate(
                recorded=Count("attendance", distinct=True),
                present=Count("attendance", filter=present, distinct=True),
                minutes_photos=Count("materials", filter=minutes, distinct=True),
            )
            .order_by("-starts_at", "-pk")
        )

    def tasks(self):
        tasks = self.scoped(Task.objects.all(), "branch")
        if self.month is not None:
            tasks = tasks.filter(
                due_on__gte=self.month.first_day, due_on__lt=self.month.next().first_day
            )
        done = Q(assignments__status=TaskStatus.DONE)
        return (
            tasks.select_related("branch")
            .annotate(assigned=Count("assignments"), done=Count("assignments", filter=done))
            .order_by("due_on", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meetings = list(self.meetings()[: LISTED + 1])
        votes = Vote.objects.filter(meeting__in=[m.pk for m in meetings[:LISTED]])
        tasks = list(self.tasks()[: LISTED + 1])
        context.update(
            unit=self.unit,
            unit_query=self.unit_query or self.unit.code,
            branches=self.branches,
            branch=self.branch,
            states=LISTED_STATES,
            state=self.state,
            month_value=str(self.month or ""),
            meetings=meetings[:LISTED],
            more_meetings=len(meetings) > LISTED,
            votes=votes.select_related("meeting__branch").order_by("-meeting__starts_at", "pk"),
            closed=VoteState.CLOSED,
            tasks=tasks[:LISTED],
            more_tasks=len(tasks) > LISTED,
            listed=LISTED,
            monthly_url=self.monthly_url(),
            # Secretaries add photos of their own branch's minutes from here.
            photo_branch_ids=roles.secretary_branch_ids(roles.member_of(self.request.user)),
            photo_states={MeetingState.PUBLISHED, MeetingState.HELD},
        )
        return context

    def monthly_url(self):
        if self.unit.level not in TABLE_LEVELS:
            return ""
        query = {"unit": self.unit.code, **({"month": str(self.month)} if self.month else {})}
        return f"{reverse('branches_monthly_table')}?{urlencode(query)}"
