"""What is recorded of members' reading: one row per member, item and day they
opened it, and one per member and day they signed in.

Rows are written in bulk by ``readership.recording`` (never one per request),
so a day holds one row however many times the item was opened that day. The
indexes follow the questions asked: a member's history (newest day first),
"who read anything since" per member (the committees' active readers), and
the items read in a period (their top items).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemRead(models.Model):
    """A member opened an item (a page) on a day; ``first_at``: the first time that day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="item_reads",
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    first_at = models.DateTimeField(_("first opened at"))

    class Meta:
        verbose_name = _("item read")
        verbose_name_plural = _("items read")
        constraints = [
            models.UniqueConstraint(fields=["user", "page", "day"], name="item_read_once_a_day")
        ]
        indexes = [
            # A member's history, newest day first; "read since" per member.
            models.Index(fields=["user", "-day"], name="item_read_user_day"),
            # Items read in a period, by item (top items).
            models.Index(fields=["day", "page"], name="item_read_day_page"),
        ]

    def __str__(self):
        return f"{self.user_id} read {self.page_id} on {self.day}"


class SignInDay(models.Model):
    """A member signed in (to the app or the admin) on a day."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="sign_in_days",
    )
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("sign-in day")
        verbose_name_plural = _("sign-in days")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="sign_in_once_a_day")]

    def __str__(self):
        return f"{self.user_id} signed in on {self.day}"
