"""The admin's "New meeting" form: what ``branches.meetings.create_meeting``
takes, and the materials (published pages the user may read, uploaded
files) added with ``add_material``. The branch is one of those the user is
secretary or deputy secretary of, the services' one rule
(``branches.roles.secretary_branch_ids``)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateTimeInput

from content_types.models import NewsArticle, PartyDocument
from content_types.models.audience import readable_pages
from editorial.models import Unit

from .. import roles
from ..models import MeetingKind

#: Published pages offered in the list (the newest); any readable one is accepted.
PAGES_OFFERED = 60


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class MeetingForm(forms.Form):
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=AdminDateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends at"), required=False, widget=AdminDateTimeInput)
    place = forms.CharField(label=_("Place"), max_length=255)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item a line."),
    )
    guidance = forms.CharField(
        label=_("Guidance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How to run this kind of meeting."),
    )
    pages = forms.ModelMultipleChoiceField(
        label=_("Published documents and news"),
        queryset=NewsArticle.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("PDF, Word (DOCX), or photos: JPEG, PNG, WEBP or HEIC."),
    )
    announce = forms.BooleanField(
        label=_("Announce now"),
        required=False,
        help_text=_("Sends the notice to the branch's members; otherwise it stays a draft."),
    )

    def __init__(self, *args, user, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Unit.objects.filter(
            pk__in=roles.secretary_branch_ids(member)
        ).order_by("path")
        pages = readable_pages(user).type(NewsArticle, PartyDocument)
        self.fields["pages"].queryset = pages
        newest = pages.order_by("-last_published_at", "-pk")[:PAGES_OFFERED]
        self.fields["pages"].widget.choices = [(page.pk, page.title) for page in newest]

    def clean_agenda(self):
        lines = self.cleaned_data["agenda"].splitlines()
        return [line.strip() for line in lines if line.strip()]

    def meeting_fields(self):
        """The keyword arguments of ``create_meeting`` besides the branch."""
        data = self.cleaned_data
        names = ("kind", "title", "starts_at", "ends_at", "place", "guidance")
        return {"agenda": data["agenda"], **{name: data[name] for name in names}}
