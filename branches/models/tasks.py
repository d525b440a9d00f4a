"""Tasks the branch committee gives its members, and their reports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.images import get_image_model_string


class TaskStatus(models.TextChoices):
    TODO = "todo", pgettext_lazy("task", "To do")
    DOING = "doing", pgettext_lazy("task", "In progress")
    DONE = "done", pgettext_lazy("task", "Done")


class Task(models.Model):
    branch = models.ForeignKey("editorial.Unit", on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(_("title"), max_length=255)
    details = models.TextField(_("details"), blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title


class TaskAssignment(models.Model):
    """A task given to one member: its status and the member's report."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    member = models.ForeignKey(
        "editorial.Member", on_delete=models.CASCADE, related_name="task_assignments"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.TODO
    )
    report = models.TextField(_("report"), blank=True)
    report_photo = models.ForeignKey(
        get_image_model_string(),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("task assignment")
        verbose_name_plural = _("task assignments")
        constraints = [
            models.UniqueConstraint(fields=["task", "member"], name="branches_one_assignment")
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.task} → {self.member}"
