"""Admin screens for the organisation: units, members and editorial boards.

Three ModelViewSets grouped under one "Organisation" menu. What each user
sees and may change is decided by the permission policies in
``editorial.permissions``: the index lists what the policy grants, the
edit views refuse instances outside the user's scope, the menu item is shown
only to users the policy lets manage something. Nothing is ever deleted here.
"""

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Left, Length
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from django_filters import ChoiceFilter, ModelChoiceFilter
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .forms import (
    BoardCreateForm,
    MemberCreateForm,
    MemberEditForm,
    MembershipInlinePanel,
    UnitCreateForm,
    UnitEditForm,
    UnitMergeForm,
)
from .models import (
    BoardRole,
    EditorialBoard,
    Member,
    Unit,
    UnitEvent,
    UnitLevel,
)
from .permissions import (
    board_permission_policy,
    can_manage_unit,
    manageable_units,
    member_permission_policy,
    unit_permission_policy,
)
from .reorganisation import merge_units

# Shared scoping


class ScopedIndexView(generic.IndexView):
    """Lists only the instances the permission policy lets the user change."""

    def get_base_queryset(self):
        return self.permission_policy.instances_user_has_permission_for(
            self.request.user, "change"
        )


class InstancePermissionMixin:
    """Refuses (PermissionDenied, which the admin turns into its usual
    "no permission" redirect) an instance outside the user's scope."""

    instance_permission = "change"

    def check_instance_permission(self, instance):
        if not self.user_has_permission_for_instance(self.instance_permission, instance):
            raise PermissionDenied
        return instance


class ScopedEditView(InstancePermissionMixin, generic.EditView):
    def get_object(self, queryset=None):
        return self.check_instance_permission(super().get_object(queryset))


class ScopedHistoryView(InstancePermissionMixin, HistoryView):
    def get_object(self):
        return self.check_instance_permission(super().get_object())


class OrganisationViewSet(ModelViewSet):
    """What the three viewsets share: scoped views, no copy, no deletion, no
    Django model permissions offered in the group editor (the unit tree, not
    groups, decides who manages what).

    ``permission_policy`` is set on each viewset for the reader; the views
    themselves look the policy up in Wagtail's registry, where
    wagtail_hooks.py registers the same object.
    """

    add_to_reference_index = False
    copy_view_enabled = False
    list_per_page = 50
    search_backend_name = None
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    history_view_class = ScopedHistoryView

    def get_permissions_to_register(self):
        return Permission.objects.none()

    def get_common_view_kwargs(self, **kwargs):
        # No usage screen: these models are not in the reference index.
        return super().get_common_view_kwargs(**{"usage_url_name": None, **kwargs})

    def get_urlpatterns(self):
        return [pattern for pattern in super().get_urlpatterns() if pattern.name != "usage"]


# Units


class UnitIndexView(ScopedIndexView):
    def get_base_queryset(self):
        # The parent's name in the same query: get_parent() per row would cost
        # one query for each unit listed.
        parent_path = Left(OuterRef("path"), Length(OuterRef("path")) - Unit.steplen)
        parent_name = Unit.objects.filter(path=parent_path).values("name")[:1]
        return super().get_base_queryset().annotate(parent_name=Subquery(parent_name))

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_active:
            buttons.append(
                MenuItem(
                    _("Merge into another unit"),
                    url=reverse("editorial_units:merge", args=[instance.pk]),
                    icon_name="arrow-right-full",
                    priority=40,
                )
            )
        return buttons


class UnitCreateView(generic.CreateView):
    def save_instance(self):
        # The unit's history starts here; other_unit records where it was created.
        unit = super().save_instance()
        UnitEvent.objects.create(
            unit=unit,
            kind=UnitEvent.Kind.CREATED,
            happened_on=unit.active_from or timezone.localdate(),
            other_unit=self.form.cleaned_data["parent"],
            actor=self.request.user,
        )
        return unit


class UnitMergeView(WagtailAdminTemplateMixin, FormView):
    """Merge a unit into another, as the merge_units command does."""

    template_name = "editorial/unit_merge.html"
    form_class = UnitMergeForm
    page_title = _("Merge unit")
    header_icon = "site"

    def dispatch(self, request, pk):
        self.unit = get_object_or_404(Unit, pk=pk)
        if not self.unit.is_active or not can_manage_unit(request.user, self.unit):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "source": self.unit, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(unit=self.unit, **kwargs)

    def form_valid(self, form):
        target = form.cleaned_data["target"]
        try:
            merge_units(self.unit, target, on=form.cleaned_data["on"], actor=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(source)s was merged into %(target)s.")
            % {"source": self.unit.name, "target": target.name},
        )
        return redirect("editorial_units:index")


class UnitViewSet(OrganisationViewSet):
    model = Unit
    name = "editorial_units"
    url_prefix = "organisation/units"
    icon = "site"
    menu_label = _("Units")
    permission_policy = unit_permission_policy
    index_view_class = UnitIndexView
    add_view_class = UnitCreateView
    ordering = "path"
    list_display = [
        "name",
        "code",
        "short_name",
        Column("level", accessor="get_level_display", label=_("Level"), sort_key="level"),
        Column("status", accessor="get_status_display", label=_("Status"), sort_key="status"),
        Column("parent_name", label=_("Parent unit"), sort_key="parent_name"),
    ]
    list_filter = ["level", "status"]
    search_fields = ["name", "code"]

    def get_form_class(self, for_update=False):
        return UnitEditForm if for_update else UnitCreateForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("merge/<int:pk>/", UnitMergeView.as_view(), name="merge"),
        ]


# Members


class MemberFilterSet(WagtailFilterSet):
    branch_level = ChoiceFilter(
        field_name="branch__level",
        choices=UnitLevel.choices,
        label=_("Branch level"),
        empty_label=_("All"),
    )
    unit = ModelChoiceFilter(
        label=_("Within unit"),
        queryset=lambda request: manageable_units(request.user),
        method="filter_within_unit",
    )

    class Meta:
        model = Member
        fields = ["status"]

    def filter_within_unit(self, queryset, name, unit):
        return queryset.filter(branch__path__startswith=unit.path) if unit else queryset


class MemberIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "branch")


class MemberEditView(ScopedEditView):
    def get_queryset(self):
        return super().get_queryset().select_related("user", "branch")


class MemberViewSet(OrganisationViewSet):
    model = Member
    name = "editorial_members"
    url_prefix = "organisation/members"
    icon = "user"
    menu_label = _("Members")
    permission_policy = member_permission_policy
    index_view_class = MemberIndexView
    edit_view_class = MemberEditView
    ordering = "full_name"
    list_display = [
        "full_name",
        Column(
            "username", accessor="user.username", label=_("Username"), sort_key="user__username"
        ),
        Column("branch", label=_("Branch"), sort_key="branch__name"),
        "card_number",
        Column("status", accessor="get_status_display", label=_("Status"), sort_key="status"),
    ]
    filterset_class = MemberFilterSet
    search_fields = ["full_name", "user__username", "card_number", "phone"]

    def get_form_class(self, for_update=False):
        return MemberEditForm if for_update else MemberCreateForm


# Editorial boards


def _role_count(role):
    return Count("memberships", filter=Q(memberships__role=role))


class BoardIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .select_related("unit")
            .annotate(
                editor_count=_role_count(BoardRole.EDITOR),
                reviewer_count=_role_count(BoardRole.REVIEWER),
                approver_count=_role_count(BoardRole.APPROVER),
            )
        )


class BoardCreateView(generic.CreateView):
    def get_success_url(self):
        # Straight on to naming the board's members.
        return reverse(self.edit_url_name, args=[self.object.pk])


class BoardEditView(ScopedEditView):
    def get_queryset(self):
        return super().get_queryset().select_related("unit")


class EditorialBoardViewSet(OrganisationViewSet):
    model = EditorialBoard
    name = "editorial_boards"
    url_prefix = "organisation/boards"
    icon = "group"
    menu_label = _("Editorial boards")
    permission_policy = board_permission_policy
    index_view_class = BoardIndexView
    add_view_class = BoardCreateView
    edit_view_class = BoardEditView
    ordering = "unit__path"
    list_display = [
        "unit",
        Column(
            "level", accessor="unit.get_level_display", label=_("Level"), sort_key="unit__level"
        ),
        Column("editor_count", label=_("Editors"), sort_key="editor_count"),
        Column("reviewer_count", label=_("Reviewers"), sort_key="reviewer_count"),
        Column("approver_count", label=_("Approvers"), sort_key="approver_count"),
    ]
    search_fields = ["unit__name", "unit__code"]
    edit_handler = ObjectList(
        [MembershipInlinePanel("memberships", heading=_("Members of the board"))]
    )

    def get_add_view_kwargs(self, **kwargs):
        # Creating a board is choosing its unit; members are added on the edit
        # screen, once provisioning has made the board's groups.
        return super().get_add_view_kwargs(panel=None, form_class=BoardCreateForm, **kwargs)


class OrganisationViewSetGroup(ModelViewSetGroup):
    menu_label = _("Organisation")
    menu_name = "organisation"
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (UnitViewSet, MemberViewSet, EditorialBoardViewSet)
