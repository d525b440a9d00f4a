"""The page explorer at city scale: Wagtail's, with the same pages, rows and
filters, less what costs time without changing them.

- A page's children are listed without Wagtail's check that each one is
  "explorable" (a subquery over every page the user may act on and their
  ancestors) when the page lies inside a subtree the user holds an explore
  right on: every child is then explorable by Wagtail's own rule. Anywhere
  else (above the user's units, while searching or filtering) Wagtail's
  check stays.
- The "Owner" and "Edited by" filters list the same users, found on
  PostgreSQL by stepping through an index (one probe per user) instead of
  reading every page of the city or every edit in the page log.
- The "Parent" column, which the explorer never shows, is not loaded; the
  status, date and children columns are written without templates
  (``editorial.explorer_columns``), as each row's "More" menu is
  (``editorial.explorer_buttons``).

``ExplorerViewSet`` replaces Wagtail's page viewset for every page type that has
none of its own (``editorial.wagtail_hooks``); its other views are Wagtail's.
"""

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.expressions import RawSQL
from django.forms import CheckboxSelectMultiple
from django.utils.functional import cached_property
from wagtail.admin.filters import MultipleUserFilter
from wagtail.admin.views.pages.listing import (
    EditedByFilter,
    ExplorableIndexView,
    GenericPageFilterSet,
    PageFilterSet,
)
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import Page, PageLogEntry

from .explorer_columns import direct_columns

# The page log's action of a saved edit (Wagtail's "Edited by" filter).
EDIT = "wagtail.edit"

# The rights that make a page explorable in Wagtail (``explorable_instances``).
EXPLORE_CODENAMES = frozenset(
    f"{action}_page" for action in ("add", "change", "publish", "lock", "unlock", "bulk_delete")
)

# The distinct values of one column, one index probe each (a "loose index
# scan"); ``{where}`` narrows the rows as the index does.
LOOSE_SCAN_SQL = """
WITH RECURSIVE found(id) AS (
    (SELECT {column} FROM {table} WHERE {column} IS NOT NULL{where} ORDER BY {column} LIMIT 1)
    UNION ALL
    SELECT (
        SELECT later.{column} FROM {table} later
        WHERE later.{column} > found.id{where} ORDER BY later.{column} LIMIT 1
    )
    FROM found WHERE found.id IS NOT NULL
)
SELECT id FROM found WHERE id IS NOT NULL
"""


def users_in(model, column, wagtail_choices, where=""):
    """The users whose id is in ``column`` of ``model``'s table (the rows
    ``where`` selects): by a loose index scan on PostgreSQL, otherwise
    ``wagtail_choices`` (Wagtail's own query)."""
    if connection.vendor != "postgresql":
        return wagtail_choices
    sql = LOOSE_SCAN_SQL.format(table=model._meta.db_table, column=column, where=where)
    return get_user_model().objects.filter(pk__in=RawSQL(sql, []))


def page_owners(request=None):
    """The users who own a page: Wagtail's "Owner" filter choices."""
    wagtail_choices = get_user_model().objects.filter(
        pk__in=Page.objects.order_by().values("owner_id").distinct()
    )
    return users_in(Page, "owner_id", wagtail_choices)


def page_editors(request=None):
    """The users who edited a page: Wagtail's "Edited by" filter choices
    (through the index of ``editorial`` migration 0004)."""
    edits = PageLogEntry.objects.filter(action=EDIT)
    wagtail_choices = get_user_model().objects.filter(
        pk__in=edits.order_by().values_list("user_id", flat=True).distinct()
    )
    return users_in(PageLogEntry, "user_id", wagtail_choices, f" AND action = '{EDIT}'")


def explores_subtree_of(user, page, permission_policy):
    """Whether every page below ``page`` is explorable for ``user``: a superuser,
    or an explore right on ``page`` or one of its ancestors."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(
        permission.permission.codename in EXPLORE_CODENAMES
        and page.path.startswith(permission.page.path)
        for permission in permission_policy.get_cached_permissions_for_user(user)
    )


class ExplorerFilterSet(GenericPageFilterSet):
    owner = MultipleUserFilter(
        label=PageFilterSet.base_filters["owner"].label,
        queryset=page_owners,
        widget=CheckboxSelectMultiple,
    )
    edited_by = EditedByFilter(
        label=PageFilterSet.base_filters["edited_by"].label,
        queryset=page_editors,
        widget=CheckboxSelectMultiple,
    )


class UnitExplorerView(ExplorableIndexView):
    base_columns = direct_columns(
        [column for column in ExplorableIndexView.base_columns if column.name != "parent"]
    )

    @cached_property
    def explorable_columns(self):
        return direct_columns(super().explorable_columns)

    def get_base_queryset(self):
        if (
            self.is_searching
            or self.is_filtering
            or not explores_subtree_of(self.request.user, self.parent_page, self.permission_policy)
        ):
            return super().get_base_queryset()
        return self.annotate_queryset(self.model._default_manager.child_of(self.parent_page))


class ExplorerViewSet(PageViewSet):
    model = Page
    index_view_class = UnitExplorerView
    filterset_class = ExplorerFilterSet
