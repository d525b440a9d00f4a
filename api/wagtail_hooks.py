"""The document download checks the same audience as the API; the admin's
sign-in help for members, its audit-log actions, and the sign-in lockouts screen."""

from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button

from editorial.models import Member
from editorial.permissions import can_reset_sign_in, is_platform_admin

from .admin_views import CODE_ISSUED, PASSWORD_SET, UNLOCKED, member_sign_in, sign_in_lockouts
from .authentication import request_user
from .storage import safe_local_path
from .visibility import file_readable


@hooks.register("before_serve_document")
def refuse_documents_behind_unreadable_pages(document, request):
    """``/documents/<id>/<name>`` for a file attached only to pages the caller may
    not read answers 404, as if the file did not exist; so does a file reached
    through a symbolic link, as under ``/media/``."""
    readable = file_readable(request_user(request), type(document), document.pk)
    if not readable or safe_local_path(document.file.name) is None:
        raise Http404


@hooks.register("register_admin_urls")
def register_sign_in_help():
    return [
        path("members/<int:member_id>/sign-in/", member_sign_in, name="api_member_sign_in"),
        path("sign-in-lockouts/", sign_in_lockouts, name="api_sign_in_lockouts"),
    ]


@hooks.register("register_user_listing_buttons")
def sign_in_help_button(user, request_user):
    """The "Sign-in help" button on the user list, only where that help is allowed."""
    member = Member.objects.filter(user=user).select_related("user", "branch").first()
    if member is not None and can_reset_sign_in(request_user, member):
        yield Button(
            _("Sign-in help"),
            url=reverse("api_member_sign_in", args=[member.pk]),
            icon_name="key",
            priority=60,
        )


class PlatformAdminMenuItem(MenuItem):
    def is_shown(self, request):
        return is_platform_admin(request.user)


@hooks.register("register_settings_menu_item")
def register_sign_in_lockouts_menu_item():
    return PlatformAdminMenuItem(
        _("Sign-in lockouts"), reverse("api_sign_in_lockouts"), icon_name="lock", order=650
    )


@hooks.register("register_log_actions")
def register_sign_in_log_actions(actions):
    actions.register_action(
        PASSWORD_SET, _("Sign-in help: password set"), _("A new password was set")
    )
    actions.register_action(
        CODE_ISSUED, _("Sign-in help: code issued"), _("A one-time sign-in code was issued")
    )
    actions.register_action(
        UNLOCKED, _("Sign-in lockout lifted"), _("Locked-out sign-in was unlocked")
    )
