"""Lost passwords, the commonest support call: a board administrator sets a new
password for a member, or gives them a one-time sign-in code for the app.

Scoped like every organisation screen: only for members of units the user
may manage (``editorial.permissions.can_manage_unit``).
"""

import datetime
import secrets

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from editorial.models import Member
from editorial.permissions import can_manage_unit

from .models import ReaderToken, SignInCode, token_digest

CODE_LIFETIME = datetime.timedelta(hours=24)


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


def member_sign_in(request, member_id):
    member = get_object_or_404(Member.objects.select_related("user", "branch"), pk=member_id)
    if not can_manage_unit(request.user, member.branch):
        raise PermissionDenied
    form, code, done = NewPasswordForm(user=member.user), None, None
    if request.method == "POST":
        if request.POST.get("action") == "code":
            code = issue_sign_in_code(member.user, request.user)
        else:
            form = NewPasswordForm(request.POST, user=member.user)
            if form.is_valid():
                member.user.set_password(form.cleaned_data["password"])
                member.user.save(update_fields=["password"])
                # A new password signs the member's apps out everywhere.
                ReaderToken.objects.filter(user=member.user).delete()
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
