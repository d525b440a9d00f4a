"""Reader-app filters on top of the Wagtail API v2 conventions.

Each filter narrows the queryset it is given (already scoped to what the
caller may read), never rebuilds it from ``Model.objects``. Bad values raise
``BadParameter`` naming the parameter.
"""

import datetime
from functools import cache

from django.core.exceptions import ValidationError
from django.db.models import Case, When
from django.utils.translation import gettext as _
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.filters import SearchFilter
from wagtail.search.backends import get_search_backend

from cms.prepared import Columns, prepared_cursor
from content_types.models import DocumentStatus, NewsCategory, PageAudience
from content_types.models.audience import in_unit_feed
from content_types.symbols import DocumentType
from editorial.models import Unit
from search.params import validate_query_text

from .exceptions import BadParameter

TRUE_VALUES = {"1", "true", "yes"}
FALSE_VALUES = {"0", "false", "no", ""}

# The largest id of our tables (PostgreSQL ``integer``): a bigger number names
# nothing, and some queries would fail in the database on it.
MAX_ID = 2**31 - 1
# Offset pagination is for browsing; past this, counting and skipping rows
# costs more than any reader needs (sync and search have their own windows).
MAX_OFFSET = 10_000
# Search results a listing looks at before applying the audience.
SEARCH_WINDOW = 500


def whole_number(raw, name, *, minimum=0, maximum=MAX_ID):
    """``raw`` as an int from ``minimum`` to ``maximum``, else a 400 naming ``name``.

    The one integer parser for query parameters. ASCII digits only:
    ``str.isdigit()`` accepts "²" and ``int()`` accepts "١", " 1" and "1_0".
    The bound keeps every number inside what PostgreSQL columns hold.
    """
    if (
        raw.isascii()
        and raw.isdigit()
        and len(raw) <= len(str(maximum))
        and minimum <= int(raw) <= maximum
    ):
        return int(raw)
    raise BadParameter(
        name,
        _("%(name)s must be a whole number from %(min)d to %(max)d.")
        % {"name": name, "min": minimum, "max": maximum},
    )


def integer_parameter(request, name, default=None, *, minimum=0, maximum=MAX_ID):
    """``?<name>=`` through ``whole_number``; ``default`` when it is absent."""
    raw = request.GET.get(name)
    return default if raw is None else whole_number(raw, name, minimum=minimum, maximum=maximum)


def parse_window(request, limit_max=100, default=20):
    """``(offset, limit)`` of a listing, each checked by ``whole_number``."""
    offset = integer_parameter(request, "offset", 0, maximum=MAX_OFFSET)
    limit = integer_parameter(request, "limit", default, maximum=limit_max)
    return offset, limit


def boolean_parameter(request, name):
    value = request.GET.get(name, "").strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise BadParameter(name, _("%(name)s must be true or false.") % {"name": name})


def choice_parameter(request, name, choices):
    value = request.GET[name]
    if value not in choices:
        raise BadParameter(
            name,
            _("%(name)s must be one of: %(choices)s.")
            % {"name": name, "choices": ", ".join(choices)},
        )
    return value


def date_parameter(request, name):
    try:
        return datetime.date.fromisoformat(request.GET[name])
    except ValueError as error:
        raise BadParameter(
            name, _("%(name)s must be a date written YYYY-MM-DD.") % {"name": name}
        ) from error


@cache
def _unit_columns():
    return Columns(Unit, "u")


def _unit_by_id(pk):
    """The unit with id ``pk``, or None: prepared, as every unit listing asks."""
    columns = _unit_columns()
    with prepared_cursor() as cursor:
        cursor.execute(f"SELECT {columns.sql} FROM {Unit._meta.db_table} u WHERE u.id = %s", [pk])
        row = cursor.fetchone()
    return None if row is None else columns.load(row)[0]


def unit_parameter(request, name="unit"):
    """The unit ``?<name>=`` names, looked up once per request."""
    pk = integer_parameter(request, name, minimum=1)
    found = request.__dict__.setdefault("_units_named", {})
    if pk not in found:
        found[pk] = _unit_by_id(pk)
    if found[pk] is None:
        raise BadParameter(name, _("There is no unit with id %(id)s.") % {"id": pk})
    return found[pk]


def search_parameters(request):
    """``(text, operator)`` of ``?search=`` and ``?search_operator=``: the text
    by the search app's rule (``validate_query_text``), the operator one of
    Wagtail's two."""
    text = request.GET["search"]
    try:
        validate_query_text(text)
    except ValidationError as error:
        raise BadParameter("search", error.messages[0]) from error
    operator = request.GET.get("search_operator")
    if operator not in (None, "and", "or"):
        raise BadParameter("search_operator", _("search_operator must be “and” or “or”."))
    return text, operator


class CheckedQueryMixin:
    """For the viewsets that hand query parameters to the database through
    Wagtail's code (its filters, ``find``): PostgreSQL refuses NUL in text, so a
    NUL in any parameter is a 400 naming it, and ``find/?id=`` is a checked
    whole number, never a 500."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise BadParameter(
                    name, _("%(name)s must not contain a NUL character.") % {"name": name}
                )

    def find_object(self, queryset, request):
        integer_parameter(request, "id", minimum=1)
        return super().find_object(queryset, request)


class CheckedSearchFilter(SearchFilter):
    """Wagtail's ``?search=`` with its parameters checked first."""

    def filter_queryset(self, request, queryset, view):
        if "search" in request.GET:
            search_parameters(request)
        return super().filter_queryset(request, queryset, view)


class RankedSearchFilter(BaseFilterBackend):
    """``?search=`` on a queryset the search back end cannot filter (images and
    documents are scoped by ``Exists()`` over the pages using them, which
    Wagtail's back ends refuse): rank over the whole table, then keep the
    queryset's rows among the first SEARCH_WINDOW, best first (or in ``order``)."""

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        text, operator = search_parameters(request)
        everything = queryset.model.objects.all()
        results = get_search_backend().search(text, everything, operator=operator)
        ranked = [item.pk for item in results[:SEARCH_WINDOW]]
        if not ranked:
            return queryset.none()
        queryset = queryset.filter(pk__in=ranked)
        if "order" in request.GET:
            return queryset
        rank = Case(*(When(pk=pk, then=position) for position, pk in enumerate(ranked)))
        return queryset.order_by(rank)


class UnitFeedFilter(BaseFilterBackend):
    """``?unit=<id>``: the unit's feed (its own pages and those promoted into it);
    with ``&subtree=true`` the feeds of the unit and every unit below it."""

    def filter_queryset(self, request, queryset, view):
        subtree = boolean_parameter(request, "subtree")
        if "unit" in request.GET:
            queryset = queryset.filter(in_unit_feed(unit_parameter(request), subtree=subtree))
        return queryset


class ContentFieldsFilter(BaseFilterBackend):
    """``category`` (news), ``document_type`` and ``status`` (documents) and a date
    range ``date_from``/``date_to`` on the date readers see: a news item's date,
    a document's issue date, otherwise the first publication. The reader index
    holds each (``UnitContentPage.reader_facets``)."""

    def filter_queryset(self, request, queryset, view):
        asked = reader_filters(request)
        if not asked:
            return queryset
        rows = narrow_index(PageAudience.objects.all(), asked)
        return queryset.filter(pk__in=rows.values("page_id"))


def reader_filters(request):
    """``(column of the reader index, lookup, value)`` of each filter asked, checked."""
    get = request.GET
    asked = []
    for name, column, choices in (
        ("category", "news_category", NewsCategory.values),
        ("document_type", "document_type", DocumentType.values),
        ("status", "document_status", DocumentStatus.values),
    ):
        if name in get:
            asked.append((column, "exact", choice_parameter(request, name, choices)))
    for name, lookup in (("date_from", "gte"), ("date_to", "lte")):
        if name in get:
            asked.append(("reader_date", lookup, date_parameter(request, name)))
    return asked


def narrow_index(rows, asked):
    """Rows of the reader index (``PageAudience``) that pass ``reader_filters``."""
    for column, lookup, value in asked:
        rows = rows.filter(**{f"{column}__{lookup}": value})
    return rows
