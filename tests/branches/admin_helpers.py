"""Signing branch life's people in to the admin, in English."""

from wagtail.users.models import UserProfile

from editorial.models import BoardRole
from editorial.provisioning import add_board_member


def admin_client(client, user, unit=None, role=BoardRole.EDITOR):
    """``client`` signed in as ``user``, on ``unit``'s board if given."""
    if unit is not None:
        add_board_member(unit, user, role)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    return client
