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
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page

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
        # Retiring a unit's home is the reorganisation's to do, not a board's
        # edit: the actor is recorded but page permissions are not asked.
        UnpublishPageAction(old_home.specific, user=actor).execute(skip_permission_checks=True)
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


def _expected_parents(unit):
    """The page and collection a unit's own ones should sit under."""
    parent = unit.get_parent()
    holder = parent.home_page_ancestor() if parent else None
    if holder is None:
        return Page.get_first_root_node(), Collection.get_first_root_node()
    return Page.objects.get(pk=holder.home_page_id), holder.collection


def _realign(subtree_root):
    """Put the home pages and collections of a moved subtree under their new parents.

    Units without a board hang their children's homes on the nearest ancestor
    that has one, so every unit of the subtree is checked, shallowest first.
    """
    for unit in Unit.objects.subtree_of(subtree_root).filter(home_page__isnull=False):
        parent_page, parent_collection = _expected_parents(unit)
        home = Page.objects.get(pk=unit.home_page_id)
        if home.get_parent().pk != parent_page.pk:
            if parent_page.get_children().filter(slug=home.slug).exists():
                home.slug = f"{home.slug}-{unit.pk}"
                home.save(update_fields=["slug"], clean=False)
            home.move(parent_page, pos="last-child")
        if unit.collection_id and parent_collection is not None:
            collection = Collection.objects.get(pk=unit.collection_id)
            if collection.get_parent().pk != parent_collection.pk:
                collection.move(Collection.objects.get(pk=parent_collection.pk), "sorted-child")


@transaction.atomic
def move_unit(unit, new_parent, *, on=None, actor=None):
    """Re-parent a unit with its subtree, its pages (URLs redirect) and its media."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_parent = Unit.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("A unit cannot be moved below itself.")})
    old_parent = unit.get_parent()
    if old_parent and old_parent.pk == new_parent.pk:
        return unit
    unit.move(new_parent, "sorted-child")
    unit = Unit.objects.get(pk=unit.pk)
    _realign(unit)
    UnitEvent.objects.create(
        unit=unit,
        kind=UnitEvent.Kind.MOVED,
        other_unit=new_parent,
        happened_on=on or timezone.localdate(),
        details={"from": old_parent.code if old_parent else None, "to": new_parent.code},
        actor=actor,
    )
    return unit
