"""The boards' inbox of members' questions (hỏi đáp) in the Wagtail admin.

A question sits with one unit at a time (``MemberQuestion.assigned_unit``). The
board of that unit (any role) finds it in its inbox and answers, forwards or
closes it; platform administrators and superusers see every question. The
rules live in the model's methods, which these views call and whose refusals
they show as admin messages.

Who may see what is decided in one place, the permission policy of
``content_types.permissions`` (``member_question_permission_policy``). A
refusal is a 403 page, the same for the inbox, a question's page and a crafted
POST; a question id that does not exist is a 404.
"""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from django_filters import ChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.site_summary import SummaryItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from ..models import AnswerCategory, MemberQuestion, QuestionStatus
from ..models.answers import nearest_board_unit
from ..permissions import member_question_permission_policy

NAMESPACE = "member_questions"
WAITING_STATUSES = (QuestionStatus.NEW, QuestionStatus.FORWARDED)


# Who may use the inbox


def can_use_inbox(user):
    """Board members of active units (any role), platform admins and superusers."""
    return member_question_permission_policy.user_has_permission(user, "view")


def inbox_for(user):
    """The questions currently assigned to the units of the user's boards (all of
    them for platform admins). The board scope is one cached query per request."""
    return member_question_permission_policy.instances_user_has_permission_for(user, "view")


def waiting_count(user):
    """How many questions wait for the user's boards: one COUNT query."""
    return inbox_for(user).filter(status__in=WAITING_STATUSES).count()


def person_name(user):
    """A member's full name where there is one, else the account's name.

    Reads ``user.member`` from ``select_related``: no query per row."""
    if user is None:
        return ""
    member = getattr(user, "member", None)
    if member is not None and member.full_name:
        return member.full_name
    return user.get_full_name() or user.get_username()


def asker_name(question):
    return person_name(question.asker)


def asker_branch(question):
    member = getattr(question.asker, "member", None)
    return member.branch if member is not None else None


class RefuseWith403Mixin:
    """Answers a refusal with a 403 page in the admin's frame.

    Wagtail's admin would turn PermissionDenied into a redirect to the
    dashboard; here a refusal is a plain 403, whatever view refused it."""

    forbidden_template_name = "content_types/admin/member_question_forbidden.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.load_objects()
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied:
            context = {"page_title": _("Members' questions"), "header_icon": "help"}
            return TemplateResponse(request, self.forbidden_template_name, context, status=403)

    def load_objects(self):
        """Load what the view works on; may refuse with PermissionDenied."""


# The inbox


class InboxFilterSet(WagtailFilterSet):
    WAITING = "waiting"
    ALL = "all"

    status = ChoiceFilter(
        label=_("Status"),
        choices=[
            (WAITING, _("Waiting for an answer")),
            *QuestionStatus.choices,
            (ALL, _("All")),
        ],
        empty_label=None,
        initial=WAITING,
        widget=forms.RadioSelect,
        method="filter_status",
    )

    class Meta:
        model = MemberQuestion
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # The inbox opens on the questions still waiting for an answer.
        if data is not None and not data.get("status"):
            data = data.copy()
            data["status"] = self.WAITING
        super().__init__(data, *args, **kwargs)

    def filter_status(self, queryset, name, value):
        if value == self.WAITING:
            return queryset.filter(status__in=WAITING_STATUSES)
        if value == self.ALL:
            return queryset
        return queryset.filter(status=value)


class MemberQuestionIndexView(RefuseWith403Mixin, generic.IndexView):
    model = MemberQuestion
    permission_policy = member_question_permission_policy
    any_permission_required = ["view"]
    index_url_name = f"{NAMESPACE}:index"
    index_results_url_name = f"{NAMESPACE}:index_results"
    filterset_class = InboxFilterSet
    # Plain icontains: questions are not in the search index.
    search_fields = ["text", "asker__member__full_name"]
    search_backend_name = None
    default_ordering = "-created_at"
    paginate_by = 50
    page_title = _("Members' questions")
    header_icon = "help"

    def get_base_queryset(self):
        # Everything a row shows comes from this one query: no query per row.
        return inbox_for(self.request.user).select_related(
            "asker__member__branch", "assigned_unit"
        )

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        # A stable order across pages when several questions share a timestamp.
        return queryset.order_by(*queryset.query.order_by, "-pk")

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "text",
                label=_("Question"),
                accessor=lambda question: Truncator(question.text).chars(90),
                get_url=lambda question: reverse(f"{NAMESPACE}:detail", args=[question.pk]),
            ),
            Column("asker", label=_("Asked by"), accessor=asker_name),
            Column("branch", label=_("Branch"), accessor=asker_branch),
            Column("assigned_unit", label=_("With unit"), sort_key="assigned_unit__name"),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                primary=lambda question: question.status in WAITING_STATUSES,
                sort_key="status",
            ),
            DateColumn("created_at", label=_("Asked"), sort_key="created_at"),
        ]

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return _("No questions match your filters.")
        return _("No questions are waiting for your boards.")


# One question


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The member sees this answer in the app."),
    )
    publish_as_entry = forms.BooleanField(
        label=_("Also add it to the bank of ready answers"),
        required=False,
        help_text=_(
            "Starts a draft ready answer owned by the unit that answers, for the board to "
            "review and publish."
        ),
    )
    category = forms.ChoiceField(
        label=_("Category of the ready answer"),
        choices=AnswerCategory.choices,
        initial=AnswerCategory.OTHER,
    )


class QuestionMixin(RefuseWith403Mixin):
    """Loads the question and lets only its handlers go further."""

    def load_objects(self):
        self.question = self.get_question()

    def get_question(self):
        question = get_object_or_404(
            MemberQuestion.objects.select_related(
                "asker__member__branch", "assigned_unit", "answered_by__member", "entry"
            ),
            pk=self.kwargs["pk"],
        )
        if not member_question_permission_policy.user_has_permission_for_instance(
            self.request.user, "change", question
        ):
            raise PermissionDenied
        return question

    def inbox_url(self):
        return reverse(f"{NAMESPACE}:index")

    def detail_url(self):
        return reverse(f"{NAMESPACE}:detail", args=[self.question.pk])

    def refused(self, error):
        """Show the model's refusal (already in the user's language) as a message.

        A rule refused (ValidationError) leaves the question with this board:
        back to its page. A permission refused at this point means it moved
        away meanwhile (a colleague forwarded it): back to the inbox."""
        if isinstance(error, ValidationError):
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.detail_url())
        messages.error(self.request, str(error) or gettext("You cannot handle this question."))
        return redirect(self.inbox_url())


class MemberQuestionDetailView(QuestionMixin, WagtailAdminTemplateMixin, TemplateView):
    template_name = "content_types/admin/member_question_detail.html"
    header_icon = "help"

    def get_page_title(self):
        return gettext("Question from %(name)s") % {"name": person_name(self.question.asker)}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": self.inbox_url(), "label": gettext("Members' questions")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_answer_form(self):
        return AnswerForm(initial={"answer": self.question.answer})

    def get_context_data(self, **kwargs):
        question = self.question
        waiting = question.status in WAITING_STATUSES
        # Only a waiting question can go up; at the top there is nowhere to go.
        forward_target = (
            nearest_board_unit(question.assigned_unit, include_self=False) if waiting else None
        )
        context = super().get_context_data(**kwargs)
        context.update(
            question=question,
            asker_name=person_name(question.asker),
            branch=asker_branch(question),
            answered_by_name=person_name(question.answered_by),
            events=[
                (event, person_name(event.actor))
                for event in question.events.select_related("unit", "actor__member")
            ],
            is_waiting=waiting,
            can_answer=question.status != QuestionStatus.CLOSED,
            answer_heading=gettext("Change the answer") if question.answer else gettext("Answer"),
            can_close=question.status != QuestionStatus.CLOSED,
            can_forward=forward_target is not None,
            forward_target=forward_target,
            answer_form=kwargs.get("answer_form") or self.get_answer_form(),
            entry_edit_url=(
                reverse("wagtailsnippets_content_types_answerentry:edit", args=[question.entry_id])
                if question.entry_id
                else None
            ),
            answer_url=reverse(f"{NAMESPACE}:answer", args=[question.pk]),
            forward_url=reverse(f"{NAMESPACE}:forward", args=[question.pk]),
            close_url=reverse(f"{NAMESPACE}:close", args=[question.pk]),
            inbox_url=self.inbox_url(),
        )
        return context


class MemberQuestionAnswerView(MemberQuestionDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("The answer could not be sent due to errors."))
            return self.render_to_response(self.get_context_data(answer_form=form))
        data = form.cleaned_data
        try:
            entry = self.question.answer_with(
                data["answer"],
                request.user,
                publish_as_entry=data["publish_as_entry"],
                category=data["category"],
            )
        except (PermissionDenied, ValidationError) as error:
            return self.refused(error)
        buttons = [messages.button(self.detail_url(), gettext("View"))]
        if entry is not None:
            text = gettext(
                "Answer sent to %(name)s. A draft ready answer was added to the bank of "
                "%(unit)s for the board to publish."
            ) % {"name": person_name(self.question.asker), "unit": entry.unit}
            buttons.append(
                messages.button(
                    reverse("wagtailsnippets_content_types_answerentry:edit", args=[entry.pk]),
                    gettext("Edit the ready answer"),
                )
            )
        else:
            text = gettext("Answer sent to %(name)s.") % {"name": person_name(self.question.asker)}
        messages.success(request, text, buttons=buttons)
        return redirect(self.inbox_url())


class QuestionOperationView(QuestionMixin, View):
    """A POST that runs one model method on the question, then back to the inbox."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            text = self.perform()
        except (PermissionDenied, ValidationError) as error:
            return self.refused(error)
        messages.success(request, text)
        return redirect(self.inbox_url())

    def perform(self):
        raise NotImplementedError


class MemberQuestionForwardView(QuestionOperationView):
    def perform(self):
        target = self.question.forward_to_parent(self.request.user)
        return gettext("The question was forwarded to %(unit)s.") % {"unit": target}


class MemberQuestionCloseView(QuestionOperationView):
    def perform(self):
        self.question.close(self.request.user)
        return gettext("The question was closed.")


# Registration


class MemberQuestionViewSet(ViewSet):
    """The inbox, a question's page and its three actions, under one menu item."""

    name = NAMESPACE
    url_prefix = "member-questions"
    icon = "help"
    menu_label = _("Members' questions")
    menu_name = "member-questions"
    menu_order = 260
    add_to_admin_menu = True

    def get_urlpatterns(self):
        return [
            path("", MemberQuestionIndexView.as_view(), name="index"),
            path(
                "results/",
                MemberQuestionIndexView.as_view(results_only=True),
                name="index_results",
            ),
            path("<int:pk>/", MemberQuestionDetailView.as_view(), name="detail"),
            path("<int:pk>/answer/", MemberQuestionAnswerView.as_view(), name="answer"),
            path("<int:pk>/forward/", MemberQuestionForwardView.as_view(), name="forward"),
            path("<int:pk>/close/", MemberQuestionCloseView.as_view(), name="close"),
        ]

    @cached_property
    def menu_item_class(self):
        class InboxMenuItem(super().menu_item_class):
            def is_shown(self, request):
                return can_use_inbox(request.user)

        return InboxMenuItem


class WaitingQuestionsSummaryItem(SummaryItem):
    """On the dashboard: how many questions wait for the user's boards."""

    order = 150
    template_name = "content_types/admin/member_question_summary.html"

    def is_shown(self):
        return can_use_inbox(self.request.user)

    def get_context_data(self, parent_context):
        return {
            "waiting_count": waiting_count(self.request.user),
            "inbox_url": reverse(f"{NAMESPACE}:index"),
        }
