"""Which Wagtail workflow is the standard one for a level (or for promotions)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StandardWorkflowKey(models.TextChoices):
    BASIC = "basic", _("Branch and grassroots units")
    DISTRICT = "district", _("District and bloc units")
    PROVINCE = "province", _("Province")
    PROMOTION = "promotion", _("Promotion to the parent unit")


class StandardWorkflow(models.Model):
    """Lets the standard workflows be found again by key however they are renamed."""

    key = models.CharField(max_length=16, choices=StandardWorkflowKey.choices, unique=True)
    workflow = models.OneToOneField(
        "wagtailcore.Workflow", on_delete=models.CASCADE, related_name="standard"
    )

    class Meta:
        verbose_name = _("standard workflow")
        verbose_name_plural = _("standard workflows")

    def __str__(self):
        return self.get_key_display()
