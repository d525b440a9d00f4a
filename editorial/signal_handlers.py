"""Keep Wagtail groups in step with board memberships, however they change."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import BoardMembership, EditorialBoard
from .provisioning import provision_board, sync_user_groups


@receiver(post_save, sender=EditorialBoard)
def provision_new_board(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        provision_board(instance.unit)


@receiver(post_save, sender=BoardMembership)
def grant_board_role(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_user_groups(instance.user)


@receiver(post_delete, sender=BoardMembership)
def revoke_board_role(sender, instance, **kwargs):
    sync_user_groups(instance.user)
