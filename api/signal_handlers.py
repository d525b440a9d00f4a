"""Write the sync log: every publish, unpublish and delete of a page; sign a
user's apps out when their password changes or they may no longer sign in."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.signals import post_save, pre_delete, pre_save
from wagtail.models import Page, PageViewRestriction, get_page_models
from wagtail.signals import page_published, page_unpublished

from content_types.models import Audience, PageAudience
from editorial.models import Member

from .models import ChangeKind, PageChange, revoke_sign_ins


def _record(page, kind):
    row = PageAudience.objects.filter(page_id=page.pk).prefetch_related("reader_scopes").first()
    PageChange.objects.create(
        page_id=page.pk,
        kind=kind,
        content_type=page.content_type.model_class()._meta.label if page.content_type_id else "",
        audience=row.audience if row else Audience.PUBLIC,
        reader_paths=[scope.path for scope in row.reader_scopes.all()] if row else [],
    )


def log_published(sender, instance, **kwargs):
    _record(instance, ChangeKind.PUBLISHED)


def log_unpublished(sender, instance, **kwargs):
    _record(instance, ChangeKind.UNPUBLISHED)


def log_deleted(sender, instance, **kwargs):
    # Before the delete cascades, while the audience row still exists. A page
    # that was never live was never synced: no tombstone.
    if instance.first_published_at is not None:
        _record(instance, ChangeKind.DELETED)


def log_restricted(sender, instance, created, raw=False, **kwargs):
    """A new view restriction withdraws the live pages at and below it, and
    their aliases, from readers (``under_view_restriction``): logged as
    unpublished, so sync tells the apps that had them to drop them."""
    if not created or raw:
        return
    subtree = Page.objects.get(pk=instance.page_id).get_descendants(inclusive=True).values("pk")
    withdrawn = Page.objects.live().filter(Q(pk__in=subtree) | Q(alias_of__in=subtree))
    for page in withdrawn.select_related("content_type"):
        _record(page, ChangeKind.UNPUBLISHED)


def note_sign_in_change(sender, instance, update_fields=None, **kwargs):
    """Before a user is saved: will the save change their password, or leave
    them unable to sign in? (Saves of other fields, such as last_login, cost
    no query.)"""
    instance._revoke_sign_ins = False
    if instance._state.adding or (
        update_fields is not None and not {"password", "is_active"} & set(update_fields)
    ):
        return
    if not instance.is_active:
        instance._revoke_sign_ins = True
        return
    saved = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True)
    instance._revoke_sign_ins = saved.first() not in (None, instance.password)


def revoke_after_user_change(sender, instance, created, **kwargs):
    if getattr(instance, "_revoke_sign_ins", False):
        revoke_sign_ins(instance.pk)


def revoke_after_status_change(sender, instance, **kwargs):
    """A member who may no longer sign in keeps no token and no code; reinstated
    later, they sign in afresh."""
    if not instance.is_active_member:
        revoke_sign_ins(instance.user_id)


def register_signal_handlers():
    # Every page type's publishing is logged: the sync log serves them all.
    for model in get_page_models():
        page_published.connect(log_published, sender=model, dispatch_uid="api_log_published")
        page_unpublished.connect(log_unpublished, sender=model, dispatch_uid="api_log_unpublished")
    pre_delete.connect(log_deleted, sender=Page, dispatch_uid="api_log_deleted")
    post_save.connect(
        log_restricted, sender=PageViewRestriction, dispatch_uid="api_log_restricted"
    )
    user_model = get_user_model()
    pre_save.connect(note_sign_in_change, sender=user_model, dispatch_uid="api_note_sign_in")
    post_save.connect(revoke_after_user_change, sender=user_model, dispatch_uid="api_revoke_user")
    post_save.connect(revoke_after_status_change, sender=Member, dispatch_uid="api_revoke_member")
