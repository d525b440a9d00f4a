"""Units' home pages and their standard lists, written in bulk.

``editorial.provisioning.provision_boards`` sends ``homes_wanted`` with a
level of units whose parent units have a home page. Each gets what
``ensure_home_page`` and ``UnitHomePage.provision_children`` would make one
at a time (a published home page under its parent's, and the news, document
and study lists under it), here with the archive writer's SQL: a fixed
number of queries per level, whatever the number of units.

With locales synchronised from the default one (wagtail-localize), the
mirrored copies are made one by one: those units are left to
``ensure_home_page``.
"""

from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import COMMENTS_RELATION_NAME, Locale, Page
from wagtail_localize.models import LocaleSynchronization

from ..models import UnitHomePage
from ..models.feeds import touch_feeds
from ..models.home import standard_lists
from .bulk import insert_revisions, insert_rows, log_actions, update_rows
from .writing import PAGE_FIELDS, ParentPage, add_children_counts, lock_parents


def write_unit_homes(sender, units, **kwargs):
    """``homes_wanted``: a published home page and lists for each of ``units``."""
    locale = Locale.get_default()
    if LocaleSynchronization.objects.filter(sync_from=locale).exists():
        return
    parent_homes = dict(
        sender.objects.filter(path__in={_parent_path(unit) for unit in units}).values_list(
            "path", "home_page_id"
        )
    )
    parents = lock_parents(set(parent_homes.values()))
    now = timezone.now()
    homes, lists = [], []
    for unit in units:
        parent = parents[parent_homes[_parent_path(unit)]]
        slug = parent.unique_slug(slugify(unit.code) or f"unit-{unit.pk}")
        home = _placed(UnitHomePage(title=unit.name), parent, slug, locale, now)
        homes.append(home)
        below = ParentPage(None, home.path, home.depth, 0, home.url_path)
        lists.extend(
            _placed(model(title=title), below, list_slug, locale, now)
            for model, title, list_slug in standard_lists()
        )
        home.numchild = below.added
    _insert(homes + lists, now)
    add_children_counts(parents.values())
    for unit, home in zip(units, homes, strict=True):
        unit.home_page = home
    update_rows(units, ["home_page"])
    # A unit's home and its lists show in unscoped listings and breadcrumbs.
    touch_feeds(everywhere=True)


def _parent_path(unit):
    return unit.path[: -type(unit).steplen]


def _placed(page, parent, slug, locale, now):
    """``page`` set up as published under ``parent``, as Wagtail stores a page
    added with ``add_child`` and published with ``save_revision().publish()``."""
    page.slug = slug
    page.path = parent.next_path()
    page.depth = parent.depth + 1
    page.numchild = 0
    page.url_path = f"{parent.url_path}{slug}/"
    page.locale = locale
    page.draft_title = page.title
    page.live = True
    page.has_unpublished_changes = False
    page.first_published_at = page.last_published_at = now
    page.latest_revision_created_at = now
    return page


def _insert(pages, now):
    """The page rows, each type's rows, one revision each (live) and the history."""
    ids = insert_rows(Page, pages, PAGE_FIELDS, returning_fields=[Page._meta.pk])
    for page, (pk,) in zip(pages, ids, strict=True):
        page.id = page.page_ptr_id = pk
        page._state.adding = False
        page._state.db = DEFAULT_DB_ALIAS
        setattr(page, COMMENTS_RELATION_NAME, [])
    by_model = {}
    for page in pages:
        by_model.setdefault(type(page), []).append(page)
    for model, objs in by_model.items():
        insert_rows(model, objs, model._meta.local_concrete_fields)
    revisions = insert_revisions(pages, [page.serializable_data() for page in pages], now)
    for page, revision in zip(pages, revisions, strict=True):
        page.latest_revision_id = page.live_revision_id = revision.pk
    update_rows(pages, ["latest_revision", "live_revision"])
    log_actions(pages, revisions, "wagtail.create", now, published=True)
