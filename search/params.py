"""The query string of ``GET /api/search/``, validated once for both back ends."""

import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from wagtail.coreutils import get_content_languages

from content_types.models import DocumentStatus
from content_types.symbols import DocumentType
from editorial.models import Unit

from .models import Kind
from .text import ParsedQuery, parse_query

MAX_PAGE_SIZE = 50

# What a member types in a search box. Longer text is not a query: the back
# ends nest one expression per word and a few thousand words exhaust Python's
# recursion limit (a 500, not an answer).
MAX_QUERY_LENGTH = 200
# Tabs and line breaks come with pasted text and mean spaces; other control
# characters (NUL above all, which PostgreSQL refuses in text) never do.
_WHITESPACE_CONTROLS = {"\t", "\n", "\r"}


def validate_query_text(text):
    """The one rule for search text, in ``/api/search/``, its suggestions and the
    content endpoints' ``?search=``: at most MAX_QUERY_LENGTH characters, no
    control characters. Raises Django's ValidationError."""
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError(
            _("The search text is too long: at most %(max)d characters.")
            % {"max": MAX_QUERY_LENGTH},
            code="too_long",
        )
    if any(
        unicodedata.category(char) == "Cc" and char not in _WHITESPACE_CONTROLS for char in text
    ):
        raise ValidationError(
            _("The search text contains control characters."), code="control_characters"
        )


class QueryTextField(serializers.CharField):
    """Search text, checked by ``validate_query_text``."""

    def __init__(self, **kwargs):
        super().__init__(validators=[validate_query_text], **kwargs)


def reader_language(code):
    """The language searched: ``locale`` when given, else the request's language
    (Accept-Language, activated by LocaleMiddleware), else Vietnamese."""
    languages = get_content_languages()
    if code:
        if code not in languages:
            raise serializers.ValidationError(
                _("Unknown language; use one of: %(codes)s.") % {"codes": ", ".join(languages)},
                code="unknown_locale",
            )
        return code
    active = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return active if active in languages else settings.LANGUAGE_CODE


class LanguageField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(required=False, allow_blank=True, max_length=16, default="", **kwargs)

    def to_internal_value(self, data):
        return reader_language(super().to_internal_value(data))

    def validate_empty_values(self, data):
        if data is serializers.empty:
            return True, reader_language("")
        return super().validate_empty_values(data)


class SearchQuerySerializer(serializers.Serializer):
    q = QueryTextField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    document_type = serializers.ChoiceField(choices=DocumentType.choices, required=False)
    status = serializers.ChoiceField(choices=DocumentStatus.choices, required=False)
    unit = serializers.IntegerField(required=False, min_value=1)
    include_subunits = serializers.BooleanField(required=False, default=False)
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2200)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    locale = LanguageField()
    page = serializers.IntegerField(required=False, min_value=1, max_value=500, default=1)
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=20
    )

    def validate_unit(self, value):
        unit = Unit.objects.filter(pk=value).only("pk", "path", "name").first()
        if unit is None:
            raise serializers.ValidationError(_("No unit has this id."), code="unknown_unit")
        return unit

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"date_to": _("The end date is before the start date.")}, code="date_order"
            )
        return attrs


class SuggestQuerySerializer(serializers.Serializer):
    q = QueryTextField()
    locale = LanguageField()


@dataclass
class SearchParams:
    parsed: ParsedQuery
    kind: str = ""
    document_type: str = ""
    status: str = ""
    unit: Unit | None = None
    include_subunits: bool = False
    year: int | None = None
    date_from: object = None
    date_to: object = None
    locale: str = ""
    page: int = 1
    page_size: int = 20

    @classmethod
    def from_data(cls, data):
        values = dict(data)
        return cls(parsed=parse_query(values.pop("q", "")), **values)
