"""Lost passwords, the commonest support call: a board administrator sets a new
password for a member, or gives them a one-time sign-in code for the app.

Only for members the user may take over (``editorial.permissions.can_reset_sign_in``):
never a member with an office at or above the user's own scope. Every password
set and code issued is written to Wagtail's audit log, with who did it for whom.

And the other support call, "I am locked out": platform administrators see
the usernames locked out after failed sign-ins and lift a lockout.
"""

import datetime
import secrets

from axes.models import AccessAttempt
from axes.utils import reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.log_actions import log

from editorial.auth import lockout_ends
from editorial.models import Member
from editorial.permissions import can_reset_sign_in, is_platform_admin

from .models import SignInCode, token_digest

CODE_LIFETIME = datetime.timedelta(hours=24)

# Audit-log actions (registered in wagtail_hooks.py).
PASSWORD_SET = "api.sign_in.password_set"
CODE_ISSUED = "api.sign_in.code_issued"
UNLOCKED = "api.sign_in.unlocked"


class NewPasswordForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("New password"), widget=forms.PasswordInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password, self.user)
        return password


def issue_sign_in_code(member_user, issued_by):
    """A fresh eight-digit code for ``member_user``; earlier unused codes stop working."""
    SignInCode.objects.filter(user=member_user, used_at__isnull=True).delete()
    code = f"{secrets.randbelow(10**8):08d}"
    SignInCode.objects.create(
        user=member_user,
        digest=token_digest(code),
        issued_by=issued_by,
        expires_at=timezone.now() + CODE_LIFETIME,
    )
    return code


def _audit(member, action, actor):
    log(member, action, user=actor, data={"username": member.user.get_username()})


def member_sign_in(request, member_id):
    member = get_object_or_404(Member.objects.select_related("user", "branch"), pk=member_id)
    if not can_reset_sign_in(request.user, member):
        raise PermissionDenied
    form, code, done = NewPasswordForm(user=member.user), None, None
    if request.method == "POST":
        if request.POST.get("action") == "code":
            code = issue_sign_in_code(member.user, request.user)
            _audit(member, CODE_ISSUED, request.user)
        else:
            form = NewPasswordForm(request.POST, user=member.user)
            if form.is_valid():
                # Saving a new password revokes the member's app tokens and
                # unused codes (api.signal_handlers).
                member.user.set_password(form.cleaned_data["password"])
                member.user.save(update_fields=["password"])
                _audit(member, PASSWORD_SET, request.user)
                done = _("The new password is set. The member's apps must sign in again.")
    return render(
        request,
        "api/member_sign_in.html",
        {
            "member": member,
            "form": form,
            "code": code,
            "done": done,
            "page_title": _("Sign-in help"),
            "lifetime_hours": int(CODE_LIFETIME.total_seconds() // 3600),
        },
    )


@require_http_methods(["GET", "POST"])
def sign_in_lockouts(request):
    """Usernames with recent failed sign-ins, per address, and whether they are
    locked out now; POST ``username`` lifts every lockout of that username."""
    if not is_platform_admin(request.user):
        raise PermissionDenied
    if request.method == "POST":
        username = request.POST.get("username", "")
        if username and reset(username=username):
            user = get_user_model()._default_manager.filter(username=username).first()
            if user is not None:
                log(user, UNLOCKED, user=request.user, data={"username": username})
            message = _("%(username)s may sign in again.") % {"username": username}
            messages.success(request, message)
        return redirect("api_sign_in_lockouts")
    now = timezone.now()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=now - settings.AXES_COOLOFF_TIME)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .order_by("-last")[:200]
    )
    attempts = []
    for row in rows:
        ends = lockout_ends(row["failures"], row["last"], settings.AXES_FAILURE_LIMIT)
        attempts.append({**row, "locked_until": ends if ends and ends > now else None})
    return render(
        request,
        "api/sign_in_lockouts.html",
        {"attempts": attempts, "page_title": _("Sign-in lockouts")},
    )
