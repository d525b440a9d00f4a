"""What an editor sees in the admin beyond their own units: pages and snippets.

Pages: the explorer shows an editor the pages of their boards' units (Wagtail's
page permission policy, fed by ``editorial.provisioning``). Everywhere else the
admin would name a page — the page chooser (browse and search) and the
refusals of bulk actions — it names only ``admin_visible_pages``: those same
pages, plus the live pages the editor could read as a reader (the audience
rule of ``content_types.models.audience``). Other units' drafts and unit-only
or restricted pages stay unnamed.

Snippets owned by a unit (ready answers, bank questions): their permission
policies (``content_types.permissions``, registered by the app's ``ready()``)
decide; here the form offers only the editor's own units as owner, and every
view on one object asks the policy about that object.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.pages import bulk_actions
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.snippets.views import snippets as snippet_views

from editorial.models import Unit
from editorial.permissions import board_roles, is_active_user, is_platform_admin

from ..models.audience import readable_pages

# --- Pages ----------------------------------------------------------------------------


def admin_visible_pages(user):
    """The pages the admin may name to ``user`` outside the explorer.

    The explorer's own rule (pages under the user's page permissions, with the
    ancestors leading to them) plus what the user may read as a reader (live,
    with no view restriction, in their audience). Platform administrators see
    every page. The tree root (titled "Root") is always there to start from.
    """
    pages = Page.objects.all()
    if not is_active_user(user):
        return pages.none()
    if is_platform_admin(user):
        return pages
    explorable = PagePermissionPolicy().explorable_instances(user)
    readable = readable_pages(user)
    return pages.filter(
        Q(depth=1) | Q(pk__in=explorable.values("pk")) | Q(pk__in=readable.values("pk"))
    )


@hooks.register("construct_page_chooser_queryset")
def scope_page_chooser(pages, request):
    """The page chooser (browse and search) lists only ``admin_visible_pages``.

    Browsing into a page names it in the chooser's header; Wagtail calls this
    hook before it renders, so a page outside the scope is answered 404 here.
    """
    visible = admin_visible_pages(request.user)
    match = request.resolver_match
    parent_id = match.kwargs.get("parent_page_id") if match else None
    if parent_id is not None and not visible.filter(pk=parent_id).exists():
        raise Http404
    return pages.filter(pk__in=visible.values("pk"))


class ScopedPageBulkAction:
    """Bulk actions list the chosen pages the user may not act on, by title:
    only those in ``admin_visible_pages`` are listed (and none is acted on)."""

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        refused = extra["items_with_no_access"]
        if refused:
            visible = set(
                admin_visible_pages(self.request.user)
                .filter(pk__in=[page.pk for page in refused])
                .values_list("pk", flat=True)
            )
            extra["items_with_no_access"] = [page for page in refused if page.pk in visible]
        return objects, extra


# Registered after Wagtail's own (order 0): the registry keeps the last class
# per model and action type.
def _scoped(action):
    name = f"Scoped{action.__name__}"
    return type(name, (ScopedPageBulkAction, action), {"__module__": __name__})


for _action in (
    bulk_actions.DeleteBulkAction,
    bulk_actions.MoveBulkAction,
    bulk_actions.PublishBulkAction,
    bulk_actions.UnpublishBulkAction,
):
    hooks.register("register_bulk_action", _scoped(_action), order=100)


# --- Snippets -------------------------------------------------------------------------


class OwnUnitsForm(WagtailAdminModelForm):
    """Offers only the units the editor works for, so nothing can be filed under
    another unit's name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if "unit" in self.fields and user is not None and not is_platform_admin(user):
            condition = Q()
            for _role, path, _unit_id in board_roles(user):
                condition |= Q(path__startswith=path)
            units = Unit.objects.active()
            self.fields["unit"].queryset = units.filter(condition) if condition else units.none()


class InstanceScopedMixin:
    """Wagtail's generic edit, delete, copy, history and usage views check the
    model-wide permission only; this one also asks the policy about the object,
    so an editor cannot open another district's snippet by its URL."""

    instance_action = "change"

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.instance_action, instance
        ):
            raise PermissionDenied
        return instance


def scoped(view_class, action):
    return type(
        f"Scoped{view_class.__name__}",
        (InstanceScopedMixin, view_class),
        {"instance_action": action},
    )


class InstanceScopedViews:
    """SnippetViewSet attributes: every view on one object checks that object."""

    edit_view_class = scoped(snippet_views.EditView, "change")
    copy_view_class = scoped(snippet_views.CopyView, "change")
    delete_view_class = scoped(snippet_views.DeleteView, "delete")
    history_view_class = scoped(snippet_views.HistoryView, "view")
    usage_view_class = scoped(snippet_views.UsageView, "view")
    inspect_view_class = scoped(snippet_views.InspectView, "view")
    unpublish_view_class = scoped(snippet_views.UnpublishView, "publish")
    revisions_view_class = scoped(snippet_views.PreviewRevisionView, "view")
    revisions_compare_view_class = scoped(snippet_views.RevisionsCompareView, "view")
    revisions_unschedule_view_class = scoped(snippet_views.RevisionsUnscheduleView, "publish")
    preview_on_edit_view_class = scoped(snippet_views.PreviewOnEditView, "change")
    lock_view_class = scoped(snippet_views.LockView, "change")
    unlock_view_class = scoped(snippet_views.UnlockView, "change")
