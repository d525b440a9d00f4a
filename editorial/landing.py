"""Where a board member's admin opens: on their own unit.

Wagtail starts the page explorer at the first common ancestor of the pages a
user may edit. A board holds rights on its unit's home page in every
language's tree, so with Vietnamese and English that ancestor is the tree's
"Root", four clicks above a branch. That rule stays (it keeps both language
trees reachable in the explorer, and with one language it is already the
unit's home); on top of it:

- the sidebar's "Pages" explorer opens on the unit's home page in the user's
  admin language (the Vietnamese one when there is no translation);
- the dashboard starts with a panel for the unit: its own pages waiting for
  moderation (not those of the units below it, which have their boards) and
  the actions "New notice" and "New meeting".

A user on several boards lands on the highest of their units (a committee's
unit holds the units below it). Platform administrators and superusers, who
work on the whole tree, keep Wagtail's dashboard and explorer as they are.
"""

from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.sidebar import PageExplorerMenuItem
from wagtail.models import Locale, Page, WorkflowState, get_default_page_content_type

from .board_scope import board_roles, is_active_user, is_platform_admin
from .models import Unit, UnitLevel
from .provisioning import unit_home_page_model

# The "New meeting" form of branch life, shown once that app provides it.
MEETING_CREATE_URL_NAME = "branches_meeting_create"
# Waiting pages listed on the dashboard (the panel says how many there are in all).
WAITING_LISTED = 10

_CACHE_ATTR = "_editorial_landing_cache"


@dataclass(frozen=True)
class Landing:
    """A board member's own unit, and its home page in their language."""

    unit: Unit
    home: Page


def landing_for(user):
    """The ``Landing`` of ``user``'s admin, or None: platform administrators,
    superusers and users on no active board with a home page keep Wagtail's.

    Read once per request and cached on the user (the menu and the dashboard
    both ask).
    """
    if not is_active_user(user) or is_platform_admin(user):
        return None
    if not hasattr(user, _CACHE_ATTR):
        setattr(user, _CACHE_ATTR, _find_landing(user))
    return getattr(user, _CACHE_ATTR)


def _find_landing(user):
    unit_ids = {unit_id for _role, _path, unit_id in board_roles(user)}
    unit = (
        Unit.objects.filter(pk__in=unit_ids, home_page__isnull=False)
        .select_related("home_page")
        .order_by("depth", "path")
        .first()
    )
    if unit is None:
        return None
    home = unit.home_page
    locale = Locale.get_active()
    if home.locale_id != locale.pk:
        home = home.get_translation_or_none(locale) or home
    return Landing(unit, home)


# --- The explorer ------------------------------------------------------------------------


class UnitExplorerMenuItem(MenuItem):
    """Wagtail's "Pages" menu item, opening on a unit's home page."""

    def __init__(self, item, start_page):
        super().__init__(
            item.label,
            reverse("wagtailadmin_explore", args=[start_page.pk]),
            name=item.name,
            classname=item.classname,
            icon_name=item.icon_name,
            attrs=item.attrs,
            order=item.order,
        )
        self.start_page_id = start_page.pk

    def render_component(self, request):
        return PageExplorerMenuItem(
            self.name,
            self.label,
            self.url,
            self.start_page_id,
            icon_name=self.icon_name,
            classname=self.classname,
        )


def start_explorer_at_own_unit(request, menu_items):
    """``construct_main_menu``: a board member's explorer opens on their unit's home."""
    landing = landing_for(request.user)
    if landing is None:
        return
    for index, item in enumerate(menu_items):
        if item.name == "explorer":
            menu_items[index] = UnitExplorerMenuItem(item, landing.home)


# --- The dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    icon: str


class UnitLandingPanel(Component):
    """The dashboard's first panel for a board member: their unit, its pages
    waiting for moderation, and what they start most often."""

    name = "unit_landing"
    template_name = "editorial/landing_panel.html"
    order = 50  # before Wagtail's own panels (from 100)

    def __init__(self, landing):
        self.landing = landing

    def get_context_data(self, parent_context):
        user = parent_context["request"].user
        unit, home = self.landing.unit, self.landing.home
        waiting = waiting_for_moderation(unit)
        waiting_count = waiting.count()
        return {
            "unit": unit,
            "home": home,
            "explore_url": reverse("wagtailadmin_explore", args=[home.pk]),
            "waiting": list(waiting[:WAITING_LISTED]) if waiting_count else [],
            "waiting_count": waiting_count,
            "actions": unit_actions(user, unit, home),
        }


def add_landing_panel(request, panels):
    """``construct_homepage_panels``: a board member's dashboard starts on their unit."""
    landing = landing_for(request.user)
    if landing is not None:
        panels.append(UnitLandingPanel(landing))


def waiting_for_moderation(unit):
    """The pages of ``unit`` (in every language; not those of the units below
    it, which have their own boards) in a moderation step, the longest waiting
    first: a queryset of dicts with the page's id and latest title and the
    step's name and start."""
    homes = Page.objects.filter(translation_key=unit.home_page.translation_key)
    homes = list(homes.values_list("path", "depth"))
    under_homes, next_homes = Q(), Q()
    for path, depth in homes:
        under_homes |= Q(path__startswith=path)
        next_homes |= Q(path__startswith=path, depth=depth + 1)
    # The units below have their homes right under this one (the page tree
    # follows the unit tree); their pages are theirs.
    home_type = ContentType.objects.get_for_model(unit_home_page_model())
    below = Q()
    for path in Page.objects.filter(next_homes, content_type=home_type).values_list(
        "path", flat=True
    ):
        below |= Q(path__startswith=path)
    own_pages = Page.objects.filter(under_homes)
    if below:
        own_pages = own_pages.exclude(below)
    # A workflow state names its page by a text id, as any object.
    page_ids = own_pages.annotate(text_id=Cast("pk", CharField()))
    page_id = Cast(OuterRef("object_id"), IntegerField())
    return (
        WorkflowState.objects.filter(
            status=WorkflowState.STATUS_IN_PROGRESS,
            base_content_type=get_default_page_content_type(),
            object_id__in=page_ids.values("text_id"),
        )
        .annotate(
            page_id=Cast("object_id", IntegerField()),
            page_title=Subquery(Page.objects.filter(pk=page_id).values("draft_title")[:1]),
        )
        .order_by("current_task_state__started_at", "pk")
        .values(
            "page_id",
            "page_title",
            "current_task_state__task__name",
            "current_task_state__started_at",
        )
    )


def unit_actions(user, unit, home):
    """The dashboard's buttons for ``unit``: "New notice" where the user may
    add one under the unit's news list, and "New meeting" for a branch once
    branch life provides its form."""
    actions = []
    notice_list = _notice_list(home)
    if notice_list is not None and notice_list.permissions_for_user(user).can_add_subpage():
        meta = apps.get_model(settings.EDITORIAL_NOTICE_PAGE_MODEL)._meta
        args = [meta.app_label, meta.model_name, notice_list.pk]
        url = reverse("wagtailadmin_pages:add", args=args)
        actions.append(Action(_("New notice"), url, "plus"))
    if unit.level == UnitLevel.BRANCH:
        try:
            url = reverse(MEETING_CREATE_URL_NAME)
        except NoReverseMatch:
            pass
        else:
            actions.append(Action(_("New meeting"), f"{url}?unit={unit.pk}", "date"))
    return actions


def _notice_list(home):
    """The child of ``home`` that takes notices (the unit's news list), or None."""
    model_name = getattr(settings, "EDITORIAL_NOTICE_PAGE_MODEL", "")
    if not model_name:
        return None
    model = apps.get_model(model_name)
    parent_types = ContentType.objects.get_for_models(*model.allowed_parent_page_models())
    return (
        Page.objects.child_of(home)
        .filter(content_type__in=parent_types.values())
        .order_by("path")
        .first()
    )
