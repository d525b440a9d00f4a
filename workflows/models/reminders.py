"""A record of the reminders sent, so that a second run on one day sends none."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationReminder(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField(_("sent on"))
    task_count = models.PositiveIntegerField(_("tasks waiting"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("moderation reminder")
        verbose_name_plural = _("moderation reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_reminder_per_user_day")
        ]

    def __str__(self):
        return f"{self.user_id} {self.sent_on}"
