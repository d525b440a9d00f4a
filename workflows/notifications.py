"""E-mails to the people resolved for a step, and the daily reminder.

Wagtail's own notifier only knows group tasks; this one sends the same
"submitted for approval" e-mail (Wagtail's templates, in each recipient's
language, honouring their notification preferences) to the users holding the
step's role on the step's unit.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Min
from django.template.loader import render_to_string
from django.utils import timezone, translation
from wagtail.admin.mail import EmailNotificationMixin, Notifier
from wagtail.models import Page, TaskState

from editorial.models import Unit

from .models import ModerationReminder, UnitTaskState
from .reviewers import users_acting_for


class UnitTaskSubmissionEmailNotifier(EmailNotificationMixin, Notifier):
    notification = "submitted"

    def __init__(self):
        super().__init__((UnitTaskState,))

    def get_template_base_prefix(self, instance, **kwargs):
        return "task_state_"

    def get_context(self, task_state, **kwargs):
        context = super().get_context(task_state, **kwargs)
        context["task"] = task_state.task.specific
        context["object"] = task_state.workflow_state.content_object
        context["model_name"] = context["object"]._meta.verbose_name
        if isinstance(context["object"], Page):
            context["page"] = context["object"].specific
        return context

    def get_recipient_users(self, task_state, **kwargs):
        recipients = users_acting_for(task_state.role, task_state.unit)
        # Nobody is asked to approve their own submission.
        excluded = {kwargs.get("user"), task_state.workflow_state.requested_by}
        return {user for user in recipients if user not in excluded}


task_submission_notifier = UnitTaskSubmissionEmailNotifier()


def reminder_days():
    return int(getattr(settings, "WORKFLOWS_REMINDER_DAYS", 3))


def waiting_steps(days, now=None):
    """Steps in progress for more than ``days`` days."""
    now = now or timezone.now()
    return UnitTaskState.objects.filter(
        status=TaskState.STATUS_IN_PROGRESS, started_at__lt=now - timedelta(days=days)
    ).select_related("unit")


def send_moderation_reminders(days=None, *, now=None, stdout=None):
    """One e-mail per person with steps waiting more than ``days`` days.

    Safe to run several times a day: a person reminded today is skipped (a
    ``ModerationReminder`` row per person and day). Returns the number sent.
    """
    days = reminder_days() if days is None else days
    now = now or timezone.now()
    today = timezone.localdate(now)
    waiting = {}
    groups = list(
        waiting_steps(days, now)
        .filter(unit__isnull=False)
        .values("role", "unit")
        .annotate(count=Count("pk"), oldest=Min("started_at"))
        .order_by()
    )
    units = Unit.objects.in_bulk({row["unit"] for row in groups})
    for row in groups:
        for user in users_acting_for(row["role"], units[row["unit"]]):
            entry = waiting.setdefault(
                user.pk, {"user": user, "count": 0, "oldest": row["oldest"]}
            )
            entry["count"] += row["count"]
            entry["oldest"] = min(entry["oldest"], row["oldest"])
    already = set(
        ModerationReminder.objects.filter(sent_on=today, user_id__in=waiting).values_list(
            "user_id", flat=True
        )
    )
    sent = 0
    for user_id, entry in waiting.items():
        user = entry["user"]
        if user_id in already or not user.email:
            continue
        try:
            with transaction.atomic():
                ModerationReminder.objects.create(
                    user=user, sent_on=today, task_count=entry["count"]
                )
        except IntegrityError:  # another run got there first
            continue
        _send_reminder(user, entry["count"], (now - entry["oldest"]).days)
        sent += 1
        if stdout is not None:
            stdout.write(f"{user.get_username()}: {entry['count']}")
    return sent


def _send_reminder(user, count, oldest_days):
    profile = getattr(user, "wagtail_userprofile", None)
    language = profile.get_preferred_language() if profile else settings.LANGUAGE_CODE
    context = {
        "user": user,
        "count": count,
        "oldest_days": oldest_days,
        "base_url": getattr(settings, "WAGTAILADMIN_BASE_URL", ""),
    }
    with translation.override(language):
        subject = render_to_string("workflows/emails/reminder_subject.txt", context).strip()
        body = render_to_string("workflows/emails/reminder.txt", context)
    send_mail(subject, body, None, [user.email])
