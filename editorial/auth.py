"""Authentication that knows about party membership status."""

from django.contrib.auth.backends import ModelBackend

from .models import Member


class MemberStatusBackend(ModelBackend):
    """Refuse sign-in to members who have left, died, or been struck off or expelled.

    Their user and member records stay; only signing in stops. Users with no
    member record (e.g. technical staff) fall back to Django's is_active rule.
    """

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        try:
            return user.member.is_active_member
        except Member.DoesNotExist:
            return True
