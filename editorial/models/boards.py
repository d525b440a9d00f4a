from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel


class BoardRole(models.TextChoices):
    EDITOR = "editor", _("Editor")
    REVIEWER = "reviewer", _("Reviewer")
    APPROVER = "approver", _("Approver (board head)")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


class EditorialBoard(ClusterableModel):
    """A unit's editorial board. Creating one provisions the unit's home page,
    media collection and Wagtail groups (see editorial.provisioning)."""

    unit = models.OneToOneField(
        "editorial.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="board"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("editorial board")
        verbose_name_plural = _("editorial boards")

    def __str__(self):
        return str(_("Editorial board of %(unit)s") % {"unit": self.unit})


class BoardGroup(models.Model):
    """The Wagtail group that carries one role's permissions on one board's subtree."""

    board = models.ForeignKey(EditorialBoard, on_delete=models.CASCADE, related_name="role_groups")
    role = models.CharField(max_length=16, choices=BoardRole.choices)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="board_role")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "role"], name="unique_board_group_role")
        ]

    def __str__(self):
        return str(self.group)


class BoardMembership(models.Model):
    board = ParentalKey(EditorialBoard, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="board_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=BoardRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("board membership")
        verbose_name_plural = _("board memberships")
        constraints = [
            models.UniqueConstraint(fields=["board", "user", "role"], name="unique_board_role")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}"

    def clean(self):
        if (
            self.role == BoardRole.PLATFORM_ADMIN
            and self.board_id
            and not self.board.unit.is_root()
        ):
            raise ValidationError(
                {
                    "role": _(
                        "Only the board of the top-level unit can have platform administrators."
                    )
                }
            )
