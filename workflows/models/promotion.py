"""Promotion: proposing a unit's published item to the feed of the unit above.

A promotion is a small object moderated like a page (Wagtail's workflow
mixins): it goes through the parent board's review, and publishing it (the
workflow's last approval) lists the page in the parent unit's feed with a
``content_types.PageListing`` row. The page is never copied and keeps its
owning unit and audience; withdrawing the promotion removes the listing.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin


class Promotion(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, models.Model):
    page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )
    source_unit = models.ForeignKey(
        "editorial.Unit",
        verbose_name=_("proposed by unit"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.ForeignKey(
        "editorial.Unit",
        verbose_name=_("proposed to unit"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.TextField(_("why this item should be shown there"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promotion to a higher unit")
        verbose_name_plural = _("promotions to higher units")
        constraints = [
            models.UniqueConstraint(fields=["page", "unit"], name="unique_promotion_per_unit")
        ]

    def __str__(self):
        title = self.page.get_admin_display_title()
        return str(_("%(page)s → %(unit)s") % {"page": title, "unit": self.unit})

    def workflow_subject_unit(self):
        """Steps are resolved from the page's owning unit, so "the parent board"
        of the promotion workflow is the board of the unit proposed to."""
        return self.source_unit
