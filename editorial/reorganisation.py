"""Administrative reorganisations: merging and dissolving units.

Nothing is deleted. A merged unit keeps its row (status ``merged``, pointing
at the unit it went into), its events and its board memberships as history;
its child units, members, board roles, pages and media move to the target,
and its old URLs redirect (Wagtail's redirects app records a redirect for
every page moved; the old home page is unpublished and redirected too).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from .models import BoardMembership, Member, Unit, UnitEvent, UnitStatus
from .provisioning import provision_board, sync_user_groups


def _check_can_merge(source, target):
    if source.pk == target.pk:
        raise ValidationError({"target": _("A unit cannot be merged into itself.")})
    if not source.is_active or not target.is_active:
        raise ValidationError({"target": _("Only active units can be merged.")})
    if target.path.startswith(source.path):
        raise ValidationError({"target": _("A unit cannot be merged into a unit below it.")})


@transaction.atomic
def merge_units(source, target, *, on=None, actor=None):
    """Merge ``source`` into ``target``: everything of the source moves under the target."""
    source = Unit.objects.select_for_update().get(pk=source.pk)
    target = Unit.objects.select_for_update().get(pk=target.pk)
    _check_can_merge(source, target)
    on = on or timezone.localdate()

    moved_units = [child.code for child in source.get_children()]
    for child in source.get_children():
        child.move(Unit.objects.get(pk=target.pk), "sorted-child")
    member_count = Member.objects.filter(branch=source).update(branch=target)

    affected_users = set()
    transferred_roles = []
    if hasattr(source, "board"):
        target_board = provision_board(Unit.objects.get(pk=target.pk))
        for membership in source.board.memberships.select_related("user"):
            BoardMembership.objects.get_or_create(
                board=target_board, user=membership.user, role=membership.role
            )
            affected_users.add(membership.user)
            transferred_roles.append([membership.user.get_username(), membership.role])
    target.refresh_from_db()
    moved_pages = _move_pages(source, target, actor)
    _move_media(source, target)

    source.status = UnitStatus.MERGED
    source.merged_into = target
    source.ended_on = on
    source.save(update_fields=["status", "merged_into", "ended_on"])
    for user in affected_users:
        sync_user_groups(user)

    details = {
        "child_units": moved_units,
        "members": member_count,
        "board_roles": transferred_roles,
        "pages": moved_pages,
    }
    UnitEvent.objects.create(
        unit=source,
        kind=UnitEvent.Kind.MERGED,
        other_unit=target,
        happened_on=on,
        details=details,
        actor=actor,
    )
    UnitEvent.objects.create(
        unit=target,
        kind=UnitEvent.Kind.ABSORBED,
        other_unit=source,
        happened_on=on,
        details=details,
        actor=actor,
    )
    return target


def _move_pages(source, target, actor):
    """Move the source home's children under the target home and retire the old home."""
    if not source.home_page_id:
        return []
    old_home = Page.objects.get(pk=source.home_page_id)
    if not target.home_page_id:
        target = provision_board(target).unit
    new_home = Page.objects.get(pk=target.home_page_id)
    taken = set(new_home.get_children().values_list("slug", flat=True))
    moved = []
    for page in old_home.get_children().specific():
        if page.slug in taken:
            # Sibling slugs must be unique; keep the old slug recognisable.
            page.slug = f"{page.slug}-{source.code.lower()}"
            page.save(update_fields=["slug"], clean=False)
        taken.add(page.slug)
        page.move(Page.objects.get(pk=new_home.pk), pos="last-child", user=None)
        moved.append(page.pk)
    old_home.refresh_from_db()
    old_url = old_home.url
    if old_home.live:
        old_home.specific.unpublish(user=actor)
    if old_url:
        Redirect.objects.update_or_create(
            old_path=Redirect.normalise_path(old_url),
            site=None,
            defaults={"redirect_page": new_home, "is_permanent": True},
        )
    return moved


def _move_media(source, target):
    if not source.collection_id or not target.collection_id:
        return
    for model in (get_image_model(), get_document_model()):
        model.objects.filter(collection_id=source.collection_id).update(
            collection_id=target.collection_id
        )


@transaction.atomic
def dissolve_unit(unit, *, on=None, actor=None):
    """Mark a unit dissolved once its members and child units have gone elsewhere."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active:
        raise ValidationError({"status": _("This unit is not active.")})
    if Member.objects.filter(branch=unit).active().exists():
        raise ValidationError(
            {"status": _("Transfer the unit's active members before dissolving it.")}
        )
    if unit.get_children().filter(status=UnitStatus.ACTIVE).exists():
        raise ValidationError(
            {"status": _("Merge or move the unit's active child units before dissolving it.")}
        )
    on = on or timezone.localdate()
    unit.status = UnitStatus.DISSOLVED
    unit.ended_on = on
    unit.save(update_fields=["status", "ended_on"])
    if hasattr(unit, "board"):
        for membership in unit.board.memberships.select_related("user"):
            sync_user_groups(membership.user)
    UnitEvent.objects.create(unit=unit, kind=UnitEvent.Kind.DISSOLVED, happened_on=on, actor=actor)
    return unit
