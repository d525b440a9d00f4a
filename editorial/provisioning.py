"""Turning the unit tree into Wagtail pages, collections, groups and permissions.

Nothing here is done by hand in the admin: giving a unit a board provisions
its home page, collection and one group per role, with page and collection
permissions on exactly that unit's subtree. Every function is idempotent, so
seeding and imports can be re-run safely.
"""

from collections import defaultdict
from functools import cache

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, Site

from .models import BoardGroup, BoardMembership, BoardRole, EditorialBoard, Unit, UnitStatus
from .signals import homes_wanted

PLATFORM_ADMIN_GROUP = "Platform administrators"

PAGE_PERMISSIONS = {
    BoardRole.EDITOR: ["add_page", "change_page"],
    BoardRole.REVIEWER: ["add_page", "change_page", "lock_page", "unlock_page"],
    BoardRole.APPROVER: [
        "add_page",
        "change_page",
        "publish_page",
        "lock_page",
        "unlock_page",
    ],
    BoardRole.PLATFORM_ADMIN: [
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ],
}

_MEDIA_WORK = [
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]
_MEDIA_DELETE = ["wagtailimages.delete_image", "wagtaildocs.delete_document"]

COLLECTION_PERMISSIONS = {
    BoardRole.EDITOR: _MEDIA_WORK,
    BoardRole.REVIEWER: _MEDIA_WORK,
    BoardRole.APPROVER: _MEDIA_WORK + _MEDIA_DELETE,
    BoardRole.PLATFORM_ADMIN: [
        *_MEDIA_WORK,
        *_MEDIA_DELETE,
        "wagtailcore.add_collection",
        "wagtailcore.change_collection",
        "wagtailcore.delete_collection",
    ],
}

# Model permissions every board member needs to reach the admin at all.
GLOBAL_PERMISSIONS = {
    BoardRole.EDITOR: ["wagtailadmin.access_admin"],
    BoardRole.REVIEWER: ["wagtailadmin.access_admin"],
    BoardRole.APPROVER: ["wagtailadmin.access_admin"],
    BoardRole.PLATFORM_ADMIN: [
        "wagtailadmin.access_admin",
        "wagtailredirects.add_redirect",
        "wagtailredirects.change_redirect",
        "wagtailredirects.delete_redirect",
        "wagtailcore.add_site",
        "wagtailcore.change_site",
        "auth.add_user",
        "auth.change_user",
    ],
}

BOARD_ROLES = (BoardRole.EDITOR, BoardRole.REVIEWER, BoardRole.APPROVER)


@cache
def _permission_ids(codenames):
    """Resolve 'app_label.codename' (or a page codename) to Permission ids, once."""
    ids = []
    for name in codenames:
        app_label, _, codename = name.rpartition(".")
        qs = Permission.objects.filter(codename=codename)
        if app_label:
            qs = qs.filter(content_type__app_label=app_label)
        else:
            qs = qs.filter(content_type__app_label="wagtailcore", content_type__model="page")
        ids.append(qs.values_list("pk", flat=True).get())
    return tuple(ids)


def clear_permission_cache():
    _permission_ids.cache_clear()


def unit_home_page_model():
    return apps.get_model(settings.EDITORIAL_UNIT_HOME_PAGE_MODEL)


def _grant(group, role, pages, collection):
    """Give ``group`` the role's rights on ``pages`` (a home page in each
    language), on ``collection`` and globally: the missing rows only, in a
    few queries whatever their number (a demo city provisions 1,500 boards)."""
    page_ids = [page.pk for page in pages]
    has = set(
        GroupPagePermission.objects.filter(group=group, page_id__in=page_ids).values_list(
            "page_id", "permission_id"
        )
    )
    GroupPagePermission.objects.bulk_create(
        GroupPagePermission(group=group, page_id=page_id, permission_id=permission_id)
        for page_id in page_ids
        for permission_id in _permission_ids(tuple(PAGE_PERMISSIONS[role]))
        if (page_id, permission_id) not in has
    )
    has = set(
        GroupCollectionPermission.objects.filter(group=group, collection=collection).values_list(
            "permission_id", flat=True
        )
    )
    GroupCollectionPermission.objects.bulk_create(
        GroupCollectionPermission(group=group, collection=collection, permission_id=permission_id)
        for permission_id in _permission_ids(tuple(COLLECTION_PERMISSIONS[role]))
        if permission_id not in has
    )
    group.permissions.add(*_permission_ids(tuple(GLOBAL_PERMISSIONS[role])))


def platform_admin_group():
    group, created = Group.objects.get_or_create(name=PLATFORM_ADMIN_GROUP)
    if created:
        _grant(
            group,
            BoardRole.PLATFORM_ADMIN,
            [Page.get_first_root_node()],
            Collection.get_first_root_node(),
        )
    return group


def _parent_home_and_collection(unit):
    parent = unit.get_parent()
    if parent is None:
        return Page.get_first_root_node(), Collection.get_first_root_node()
    # The page and collection trees follow the unit tree: a parent with no
    # home yet (no board; a board or an import lower down comes first) gets
    # one now. So the top unit's home stays the site's root, and a board's
    # rights on its home page cover every unit below it.
    if not parent.home_page_id:
        ensure_home_page(parent)
    if not parent.collection_id:
        ensure_collection(parent)
    return parent.home_page, parent.collection


def ensure_home_page(unit):
    if unit.home_page_id:
        home = unit.home_page.specific
        # Re-provisioning adds the standard children a newer version introduced.
        if hasattr(home, "provision_children"):
            home.provision_children()
        return home
    parent_page, _collection = _parent_home_and_collection(unit)
    home = unit_home_page_model()(title=unit.name, slug=slugify(unit.code) or f"unit-{unit.pk}")
    parent_page.add_child(instance=home)
    home.save_revision().publish()
    if parent_page.is_root():
        # The top unit's home is the site's root, so that it answers on "/".
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"root_page": home, "hostname": "localhost", "site_name": unit.name},
        )
    unit.home_page = home
    unit.save(update_fields=["home_page"])
    # The page type may set up standard children (news list ...); editorial
    # does not know which, keeping its dependency on content types one-way.
    if hasattr(home, "provision_children"):
        home.provision_children()
    return home


def ensure_collection(unit):
    if unit.collection_id:
        return unit.collection
    _page, parent_collection = _parent_home_and_collection(unit)
    collection = parent_collection.add_child(instance=Collection(name=unit.name))
    unit.collection = collection
    unit.save(update_fields=["collection"])
    return collection


@transaction.atomic
def provision_board(unit):
    """Give a unit its board, home page, collection and role groups. Idempotent."""
    board = EditorialBoard.objects.filter(unit=unit).first()
    if board is None:
        board = EditorialBoard(unit=unit)
        board._provisioning = True  # tells the post_save handler we're on it
        board.save()
    home = ensure_home_page(unit)
    collection = ensure_collection(unit)
    # The board works on its home page in every language's tree.
    homes = list(home.get_translations(inclusive=True))
    for role in BOARD_ROLES:
        _grant(_role_group(board, role), role, homes, collection)
    return board


def provision_boards(units, progress=None):
    """``provision_board`` for many units, a level of the tree at a time, so
    that a unit's parent is provisioned before it. A level's home pages are
    first offered to the home page type's app (``homes_wanted``), which
    writes them in bulk, and its collections are written at once: a city's
    1,500 boards in about a minute rather than the twenty of adding,
    publishing and sorting them in one by one."""
    by_depth = defaultdict(list)
    for unit in units:
        by_depth[unit.depth].append(unit)
    for depth in sorted(by_depth):
        level = sorted(by_depth[depth], key=lambda unit: unit.path)
        parents = {
            parent.path: parent
            for parent in Unit.objects.filter(
                path__in={_parent_path(unit) for unit in level}
            ).select_related("collection")
        }
        wanted = [
            unit
            for unit in level
            if not unit.home_page_id
            and getattr(parents.get(_parent_path(unit)), "home_page_id", None)
        ]
        with transaction.atomic():
            if wanted:
                homes_wanted.send(sender=Unit, units=wanted)
            _add_collections(level, parents)
        for unit in level:
            provision_board(unit)
            if progress:
                progress()


def _parent_path(unit):
    return unit.path[: -Unit.steplen]


def _add_collections(level, parents):
    """Collections for the units of ``level`` whose parent's collection has
    no children yet, written at once. Collections are kept sorted by name:
    treebeard's sorted insert rewrites the path of every later sibling, once
    for each of a district's fifty units. Names sort by code point, as the
    database's C collation sorts them."""
    children = defaultdict(list)
    for unit in level:
        parent = parents.get(_parent_path(unit))
        if (
            not unit.collection_id
            and parent
            and parent.collection_id
            and parent.collection.numchild == 0
        ):
            children[parent.collection].append(unit)
    added = []
    for parent, units in children.items():
        units.sort(key=lambda unit: unit.name)
        collections = Collection.objects.bulk_create(
            Collection(
                name=unit.name,
                path=Collection._get_path(parent.path, parent.depth + 1, n),
                depth=parent.depth + 1,
                numchild=0,
            )
            for n, unit in enumerate(units, start=1)
        )
        Collection.objects.filter(pk=parent.pk).update(numchild=len(collections))
        for unit, collection in zip(units, collections, strict=True):
            unit.collection = collection
            added.append(unit)
    Unit.objects.bulk_update(added, ["collection"], batch_size=500)


def _role_group(board, role):
    try:
        return board.role_groups.select_related("group").get(role=role).group
    except BoardGroup.DoesNotExist:
        group, _created = Group.objects.get_or_create(
            name=f"{board.unit.code} · {BoardRole(role).label}"
        )
        BoardGroup.objects.create(board=board, role=role, group=group)
        return group


def group_for_membership(membership):
    if membership.role == BoardRole.PLATFORM_ADMIN:
        return platform_admin_group()
    return _role_group(membership.board, membership.role)


def sync_user_groups(user):
    """Make the user's board groups exactly those their memberships call for.

    Recomputing (rather than adding or removing one group) also covers a
    membership whose role or board was edited in place, and memberships of
    units that were merged or dissolved, which are kept as history but grant
    nothing.
    """
    memberships = user.board_memberships.filter(board__unit__status=UnitStatus.ACTIVE)
    wanted = {group_for_membership(m).pk for m in memberships.select_related("board__unit")}
    managed = set(
        user.groups.filter(Q(board_role__isnull=False) | Q(name=PLATFORM_ADMIN_GROUP)).values_list(
            "pk", flat=True
        )
    )
    if managed - wanted:
        user.groups.remove(*(managed - wanted))
    if wanted - managed:
        user.groups.add(*(wanted - managed))


def add_board_member(unit, user, role):
    """Provision the unit's board if needed and give the user the role on it."""
    board = provision_board(unit)
    membership, _created = BoardMembership.objects.get_or_create(board=board, user=user, role=role)
    return membership


def grant_on_home_translations(progress=None):
    """Give every board's groups their rights on home pages made in another
    language since the board was provisioned (a language added later). Safe to re-run."""
    board_groups = BoardGroup.objects.select_related("board__unit__home_page", "group")
    board_groups = board_groups.filter(board__unit__home_page__isnull=False)
    total = board_groups.count()
    granted = 0
    for done, board_group in enumerate(board_groups.iterator(), start=1):
        unit = board_group.board.unit
        missing = Page.objects.filter(translation_key=unit.home_page.translation_key).exclude(
            group_permissions__group=board_group.group
        )
        missing = list(missing)
        if missing:
            _grant(board_group.group, board_group.role, missing, ensure_collection(unit))
            granted += len(missing)
        if progress:
            progress(done, total)
    return granted
