"""Admin registration for the organisation screens.

The permission policies are registered first, before anything can ask the
registry for these models and so create Wagtail's fallback policy (which would
grant access from Django model permissions instead of from the unit tree).
"""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin_permissions import (
    board_permission_policy,
    member_permission_policy,
    unit_permission_policy,
)
from .models import EditorialBoard, Member, Unit
from .views import OrganisationViewSetGroup

register_permission_policy(Unit, unit_permission_policy, exact_class=True)
register_permission_policy(Member, member_permission_policy, exact_class=True)
register_permission_policy(EditorialBoard, board_permission_policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return OrganisationViewSetGroup()
