"""Keep Wagtail groups in step with board memberships, however they change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import BoardMembership, EditorialBoard
from .provisioning import provision_board, sync_user_groups


@receiver(post_save, sender=EditorialBoard)
def provision_new_board(sender, instance, created, raw=False, **kwargs):
    # Boards made in the admin or the shell provision themselves here; boards
    # made by provision_board() itself are flagged so the work isn't done twice.
    if created and not raw and not getattr(instance, "_provisioning", False):
        provision_board(instance.unit)


@receiver(post_save, sender=BoardMembership)
def grant_board_role(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_user_groups(instance.user)


@receiver(post_delete, sender=BoardMembership)
def revoke_board_role(sender, instance, **kwargs):
    sync_user_groups(instance.user)
