"""What the API stores: reader-app sign-in tokens, one-time sign-in codes and the
change log that delta sync reads."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def token_digest(raw):
    """Tokens are stored hashed: a leaked table does not sign anybody in."""
    return hashlib.sha256(raw.encode()).hexdigest()


def sign_in_stamp(user, session_hash=None):
    """Changes whenever the user's password or membership status does, by
    whatever path (admin, sign-in help, ``set_password``, an import's bulk
    UPDATE that sends no signal): Django's own session invalidation hash
    (keyed with SECRET_KEY, or ``session_hash`` made under a fallback key),
    with the member's status and the date it took effect, which every status
    change sets."""
    member = getattr(user, "member", None)
    status = f"{member.status}:{member.status_since}" if member else ""
    session_hash = session_hash or user.get_session_auth_hash()
    return hashlib.sha256(f"{session_hash}|{status}".encode()).hexdigest()


class ReaderTokenQuerySet(models.QuerySet):
    def issue(self, user, *, name=""):
        """Create a token for ``user``; return ``(token, raw)``. Only the digest is kept."""
        raw = secrets.token_urlsafe(32)
        token = self.create(
            user=user,
            digest=token_digest(raw),
            name=name[:100],
            sign_in_stamp=sign_in_stamp(user),
            last_used_on=timezone.localdate(),
        )
        return token, raw


def revoke_sign_ins(user_id):
    """Sign the user's apps out and void their unused one-time codes."""
    ReaderToken.objects.filter(user_id=user_id).delete()
    SignInCode.objects.filter(user_id=user_id, used_at__isnull=True).delete()


class ReaderToken(models.Model):
    """A reader app's sign-in: sent as ``Authorization: Bearer <raw token>``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("device"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_on = models.DateField(_("last used on"), null=True, blank=True)
    # The user's sign_in_stamp() when the token was issued: a token outlives
    # no password change and no status change. Empty for tokens issued before stamps existed; their
    # first use fills it in.
    sign_in_stamp = models.CharField(max_length=128, blank=True, editable=False)

    objects = ReaderTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("reader app token")
        verbose_name_plural = _("reader app tokens")

    def __str__(self):
        return f"{self.user_id}: {self.name or self.pk}"


class SignInCode(models.Model):
    """A one-time sign-in code a board administrator gives a member who lost
    their password; exchanged once for a token at ``/api/auth/token/``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_codes"
    )
    digest = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time sign-in code")
        verbose_name_plural = _("one-time sign-in codes")

    def __str__(self):
        return f"{self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    @property
    def is_usable(self):
        return self.used_at is None and self.expires_at > timezone.now()


class ChangeKind(models.TextChoices):
    PUBLISHED = "published", _("Published or edited")
    UNPUBLISHED = "unpublished", _("Unpublished")
    DELETED = "deleted", _("Deleted")


class PageChange(models.Model):
    """One entry of the sync log: a page was published, unpublished or deleted.

    The id is the sync cursor: strictly increasing, so ``since=<id>`` returns
    exactly what happened after. A deleted page keeps its audience here (the
    page row is gone) so that a tombstone is only sent to readers who could
    have had the page.
    """

    page_id = models.PositiveIntegerField(db_index=True)
    kind = models.CharField(max_length=16, choices=ChangeKind.choices)
    content_type = models.CharField(max_length=100, blank=True)
    # Who could read the page when it changed (copied from PageAudience): a
    # tombstone goes only to readers who could have had the page.
    audience = models.CharField(max_length=16, blank=True)
    reader_paths = models.JSONField(default=list, blank=True)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("page change")
        verbose_name_plural = _("page changes")
        ordering = ["id"]

    def __str__(self):
        return f"{self.pk}: {self.page_id} {self.kind}"
