"""Reader-app filters on top of the Wagtail API v2 conventions.

Each filter narrows the queryset it is given (already scoped to what the
caller may read), never rebuilds it from ``Model.objects``. Bad values raise
``BadParameter`` naming the parameter.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.translation import gettext as _
from rest_framework.filters import BaseFilterBackend

from content_types.models import DocumentStatus, NewsArticle, NewsCategory, PartyDocument
from content_types.models.audience import in_unit_feed
from content_types.symbols import DocumentType
from editorial.models import Unit

from .exceptions import BadParameter

TRUE_VALUES = {"1", "true", "yes"}
FALSE_VALUES = {"0", "false", "no", ""}


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


def unit_parameter(request, name="unit"):
    raw = request.GET[name]
    if not raw.isdigit():
        raise BadParameter(name, _("%(name)s must be a unit id (a number).") % {"name": name})
    unit = Unit.objects.filter(pk=int(raw)).first()
    if unit is None:
        raise BadParameter(name, _("There is no unit with id %(id)s.") % {"id": raw})
    return unit


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
    a document's issue date, otherwise the first publication."""

    def filter_queryset(self, request, queryset, view):
        get = request.GET
        if "category" in get:
            category = choice_parameter(request, "category", NewsCategory.values)
            queryset = queryset.filter(
                pk__in=NewsArticle.objects.filter(category=category).values("pk")
            )
        if "document_type" in get:
            kind = choice_parameter(request, "document_type", DocumentType.values)
            queryset = queryset.filter(
                pk__in=PartyDocument.objects.filter(document_type=kind).values("pk")
            )
        if "status" in get:
            status = choice_parameter(request, "status", DocumentStatus.values)
            queryset = queryset.filter(
                pk__in=PartyDocument.objects.filter(status=status).values("pk")
            )
        for name, lookup in (("date_from", "gte"), ("date_to", "lte")):
            if name in get:
                queryset = queryset.filter(_reader_date(lookup, date_parameter(request, name)))
        return queryset


def _reader_date(lookup, value):
    types = ContentType.objects.get_for_models(NewsArticle, PartyDocument).values()
    news = NewsArticle.objects.filter(**{f"date__{lookup}": value}).values("pk")
    documents = PartyDocument.objects.filter(**{f"issued_on__{lookup}": value}).values("pk")
    others = ~Q(content_type__in=list(types)) & Q(**{f"first_published_at__date__{lookup}": value})
    return Q(pk__in=news) | Q(pk__in=documents) | others
