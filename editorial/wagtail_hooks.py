"""Admin registration for the organisation screens, and the landing of a
board member's admin on their own unit (``editorial.landing``).

The organisation screens' permission policies (``editorial.permissions``) are registered by
``EditorialConfig.ready()``, before any hook runs.
"""

from wagtail import hooks

from .explorer import ExplorerViewSet
from .explorer_buttons import write_menus_directly
from .landing import add_landing_panel, start_explorer_at_own_unit
from .views import OrganisationViewSetGroup

hooks.register("construct_main_menu", start_explorer_at_own_unit)
hooks.register("construct_homepage_panels", add_landing_panel)
hooks.register("construct_page_listing_buttons", write_menus_directly)


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return OrganisationViewSetGroup()


@hooks.register("register_admin_viewset")
def register_explorer_viewset():
    # After Wagtail's own page viewset (its hook's order is -1), which it replaces.
    return ExplorerViewSet()
