"""Admin forms for units, members and editorial boards.

Every choice a form offers (parent units, branches, board units, users) comes
from ``editorial.permissions``, scoped to the signed-in user, so a form
can only produce objects that user's permission policy would let them edit.
Forms subclass ``WagtailAdminModelForm`` so that the generic admin views hand
them the user (``for_user``) and the admin's widgets (e.g. date pickers).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel

from .models import (
    BoardMembership,
    BoardRole,
    EditorialBoard,
    Member,
    Unit,
    UnitLevel,
    UnitStatus,
)
from .permissions import (
    board_unit_choices,
    board_user_choices,
    branch_choices,
    can_change_member_status,
    is_platform_admin,
    manageable_units,
    parent_unit_choices,
)

# Lower numbers sit higher in the tree. Districts and blocs are peers.
LEVEL_RANK = {
    UnitLevel.PROVINCE: 0,
    UnitLevel.DISTRICT: 1,
    UnitLevel.BLOC: 1,
    UnitLevel.GRASSROOTS: 2,
    UnitLevel.BRANCH: 3,
}


class UnitChoiceField(forms.ModelChoiceField):
    """Units in tree order, indented by depth, with their code."""

    def label_from_instance(self, obj):
        return "{}{} ({})".format("— " * (obj.depth - 1), obj.name, obj.code)


# Units


def _level_errors(level, parent, child_levels):
    """Errors for a unit at ``level`` between ``parent`` and children at ``child_levels``."""
    if parent is not None and LEVEL_RANK[level] < LEVEL_RANK[parent.level]:
        return _("A unit at this level cannot sit below a unit at level “%(parent)s”.") % {
            "parent": parent.get_level_display()
        }
    if any(LEVEL_RANK[child] < LEVEL_RANK[level] for child in child_levels):
        return _("Some units below this one are at a higher level.")
    return None


class UnitCreateForm(WagtailAdminModelForm):
    """Creates a unit as the child of a unit the user may create under.

    Unit is a treebeard node: it can only enter the tree through its parent's
    ``add_child``, which is what ``save`` does.
    """

    parent = UnitChoiceField(
        queryset=Unit.objects.none(),
        label=_("Parent unit"),
        help_text=_("The new unit is created directly below this unit."),
    )

    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "level", "active_from"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_unit_choices(self.for_user)
        self.order_fields(["parent", *self.Meta.fields])

    def clean(self):
        cleaned_data = super().clean()
        parent, level = cleaned_data.get("parent"), cleaned_data.get("level")
        if parent and level and (error := _level_errors(level, parent, [])):
            self.add_error("level", error)
        return cleaned_data

    def save(self, commit=True):
        # Treebeard cannot defer the insert, so commit=False is not supported.
        return self.cleaned_data["parent"].add_child(instance=self.instance)


class UnitEditForm(WagtailAdminModelForm):
    """Name, short name, level and start date. The code identifies the unit in
    imports, groups and page slugs, and the tree position changes only through
    a reorganisation, so neither is edited here."""

    class Meta:
        model = Unit
        fields = ["name", "short_name", "level", "active_from"]

    def clean(self):
        cleaned_data = super().clean()
        level = cleaned_data.get("level")
        if level and "level" in self.changed_data:
            parent = self.instance.get_parent()
            child_levels = self.instance.get_children().values_list("level", flat=True)
            if error := _level_errors(level, parent, child_levels):
                self.add_error("level", error)
        return cleaned_data


# Members


class BranchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class MemberForm(WagtailAdminModelForm):
    branch = BranchChoiceField(queryset=Unit.objects.none(), label=_("Branch"))

    class Meta:
        model = Member
        fields = [
            "full_name",
            "branch",
            "card_number",
            "status",
            "status_since",
            "joined_on",
            "official_on",
            "phone",
        ]
        help_texts = {
            "status_since": _("Left empty when the status changes, it is set to today."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        branches = branch_choices(self.for_user)
        if self.instance.branch_id:
            # Keep the member's current branch selectable even if it has since
            # been merged away, so that other fields can still be edited.
            branches = Unit.objects.filter(
                Q(pk__in=branches.values("pk")) | Q(pk=self.instance.branch_id)
            )
        self.fields["branch"].queryset = branches

    def clean(self):
        cleaned_data = super().clean()
        if (
            self.instance.pk
            and "status" in self.changed_data
            and not can_change_member_status(self.for_user, self.instance)
        ):
            self.add_error(
                "status",
                _(
                    "This member holds a board role outside your units; only the "
                    "secretariat can change their status."
                ),
            )
        if (
            self.instance.pk
            and "status" in self.changed_data
            and "status_since" not in self.changed_data
        ):
            cleaned_data["status_since"] = timezone.localdate()
        return cleaned_data


class MemberCreateForm(MemberForm):
    """A new member together with their user account."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("What the member signs in with."),
    )
    email = forms.EmailField(label=_("Email"), required=False)
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )
    password2 = forms.CharField(
        label=_("Password confirmation"),
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Enter the same password again."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username_field = get_user_model()._meta.get_field(get_user_model().USERNAME_FIELD)
        self.fields["username"].validators = list(username_field.validators)
        self.order_fields(["username", "email", "password1", "password2", *self.Meta.fields])

    def clean_username(self):
        username = self.cleaned_data["username"]
        users = get_user_model()._default_manager
        if users.filter(**{f"{get_user_model().USERNAME_FIELD}__iexact": username}).exists():
            raise ValidationError(_("A user with this username already exists."))
        return username

    def clean(self):
        cleaned_data = super().clean()
        password1, password2 = cleaned_data.get("password1"), cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            user = get_user_model()(
                username=cleaned_data.get("username", ""), email=cleaned_data.get("email", "")
            )
            try:
                validate_password(password1, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data

    def save(self, commit=True):
        user = get_user_model()(
            username=self.cleaned_data["username"], email=self.cleaned_data.get("email", "")
        )
        user.set_password(self.cleaned_data["password1"])
        user.save()
        self.instance.user = user
        return super().save(commit=commit)


class MemberEditForm(MemberForm):
    """Member fields only. The account's email and password are not edited
    here: a board head who could change them could take over the account of
    someone above them (a password reset goes to the email)."""


# Editorial boards


class BoardCreateForm(WagtailAdminModelForm):
    """Choosing the unit is all it takes: saving the board provisions the
    unit's home page, collection and role groups (see signal_handlers)."""

    unit = UnitChoiceField(
        queryset=Unit.objects.none(),
        label=_("Unit"),
        help_text=_("Units you manage that have no editorial board yet."),
    )

    class Meta:
        model = EditorialBoard
        fields = ["unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = board_unit_choices(self.for_user)


class BoardMembershipForm(WagtailAdminModelForm):
    """One person's role on a board. The user is typed by username: a select
    listing every member of a province would be far too large."""

    user = forms.ModelChoiceField(
        queryset=get_user_model()._default_manager.none(),
        to_field_name=get_user_model().USERNAME_FIELD,
        widget=forms.TextInput,
        label=_("Username"),
        help_text=_("The username of an active party member of a unit you manage."),
        error_messages={
            "invalid_choice": _(
                "No user with this username can be given a role here: they must be an "
                "active party member of a unit you manage."
            )
        },
    )

    class Meta:
        model = BoardMembership
        fields = ["user", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = board_user_choices(self.for_user)
        if self.instance.user_id:
            # Whoever already holds the role stays valid, so that the rest of
            # the board can be saved.
            users = get_user_model()._default_manager.filter(
                Q(pk__in=users.values("pk")) | Q(pk=self.instance.user_id)
            )
            self.initial["user"] = self.instance.user
        self.fields["user"].queryset = users


class BoardMembershipFormSet(BaseChildFormSet):
    """Checks that need the board and the editing user, which a single
    membership form does not know (new rows get their board only on save)."""

    def clean(self):
        super().clean()
        user = self.form_kwargs.get("for_user")
        is_root_board = bool(self.instance.unit_id) and self.instance.unit.is_root()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form):
                continue
            # A role the model's own clean() already rejected is gone from cleaned_data.
            if form.cleaned_data.get("role") != BoardRole.PLATFORM_ADMIN:
                continue
            if not is_root_board:
                form.add_error(
                    "role",
                    _("Only the board of the top-level unit can have platform administrators."),
                )
            elif user is None or not is_platform_admin(user):
                form.add_error(
                    "role", _("Only platform administrators can appoint platform administrators.")
                )


class MembershipInlinePanel(InlinePanel):
    """The memberships inline, built from BoardMembershipForm and its formset."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name].update(
            form=BoardMembershipForm,
            formset=BoardMembershipFormSet,
            inherit_kwargs=["for_user"],
        )
        return options


class UnitMergeForm(forms.Form):
    """Choose the unit that absorbs another; the same scope rules as editing."""

    target = UnitChoiceField(
        queryset=Unit.objects.none(),
        label=_("Merge into"),
        help_text=_(
            "Child units, members, board roles, pages and media move to this unit. "
            "The merged unit is kept as history and its addresses redirect."
        ),
    )
    on = forms.DateField(
        label=_("Date of the merger"), required=False, help_text=_("Empty means today.")
    )

    def __init__(self, *args, source, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["target"].queryset = (
            manageable_units(user)
            .filter(status=UnitStatus.ACTIVE)
            .exclude(path__startswith=source.path)
            .order_by("path")
        )
