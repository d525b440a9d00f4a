"""Keep Wagtail groups in step with board memberships, however they change."""

from django.db.models.signals import post_delete, post_save

from .models import BoardMembership, EditorialBoard
from .provisioning import provision_board, sync_user_groups


def provision_new_board(sender, instance, created, raw=False, **kwargs):
    # Boards made in the admin or the shell provision themselves here; boards
    # made by provision_board() itself are flagged so the work isn't done twice.
    if created and not raw and not getattr(instance, "_provisioning", False):
        provision_board(instance.unit)


def grant_board_role(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_user_groups(instance.user)


def revoke_board_role(sender, instance, **kwargs):
    sync_user_groups(instance.user)


def register_signal_handlers():
    post_save.connect(provision_new_board, sender=EditorialBoard, dispatch_uid="editorial_board")
    post_save.connect(grant_board_role, sender=BoardMembership, dispatch_uid="editorial_grant")
    post_delete.connect(revoke_board_role, sender=BoardMembership, dispatch_uid="editorial_revoke")
