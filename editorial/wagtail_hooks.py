"""Admin registration for the organisation screens.

Their permission policies (``editorial.permissions``) are registered by
``EditorialConfig.ready()``, before any hook runs.
"""

from wagtail import hooks

from .views import OrganisationViewSetGroup


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return OrganisationViewSetGroup()
