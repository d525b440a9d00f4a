"""Pages for reader apps: Wagtail API v2 conventions, scoped to the caller's audience.

``type``, ``fields``, ``child_of``, ``descendant_of``, ``ancestor_of``,
``translation_of``, ``order``, ``limit`` and ``offset`` work as in Wagtail;
``unit``/``subtree``, ``category``, ``document_type``, ``status``,
``date_from``/``date_to`` and ``locale`` are the reader apps' filters.
Everything starts from ``visibility.readable_pages``, so counts, child
listings, tree filters and details never show a page the caller may not read:
such a page answers exactly as an id that does not exist.

Without ``fields`` a listing returns compact items (``representation``) in a
fixed number of queries, newest first; with ``fields`` it is Wagtail's own
serialiser over the same scoped queryset.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from rest_framework.filters import BaseFilterBackend
from rest_framework.renderers import JSONRenderer
from wagtail.api.v2.filters import FieldsFilter, LocaleFilter, OrderingFilter
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Locale, Page, get_page_models

from content_types.blocks import READABLE_PAGES
from content_types.models import (
    NewsArticle,
    PartyDocument,
    Quiz,
    StudyLesson,
    StudyModule,
    UnitContentPage,
)
from content_types.models.audience import (
    Audience,
    ReaderRule,
    in_indexed_feed,
    reader_index_parts,
)
from content_types.models.feeds import EVERYTHING, feed_version, unit_feed_keys
from readership.recording import record_item_opened

from .conditional import (
    apply_validators,
    content_version,
    files_version,
    make_etag,
    not_modified,
    not_modified_response,
    remember_body,
    remembered_body,
)
from .exceptions import ApiError, BadParameter
from .filters import (
    SEARCH_WINDOW,
    CheckedQueryMixin,
    CheckedSearchFilter,
    ContentFieldsFilter,
    UnitFeedFilter,
    boolean_parameter,
    narrow_index,
    parse_window,
    reader_filters,
    unit_parameter,
    whole_number,
)
from .keyset import NEWEST_FIRST, capped_count, continue_after, cursor_of, parse_after
from .locales import reader_locale
from .reader_fields import LESSON_FIELDS, MODULE_FIELDS, QUIZ_FIELDS
from .reading import opened_by_reader
from .representation import page_detail, translations_of
from .summaries import indexed_window, summaries
from .visibility import audience_key, readable_pages, visible_documents

# The fields ``?fields=`` may ask for, per type (Wagtail reads ``api_fields``
# from the model; the API owns its contract here instead).
API_FIELDS = {
    NewsArticle: [
        "lead",
        "body",
        "category",
        "date",
        "featured_image",
        "source_name",
        "source_url",
    ],
    PartyDocument: [
        "number",
        "document_type",
        "issued_on",
        "effective_on",
        "status",
        "issuing_body",
        "signer",
        "summary",
        "body",
    ],
    # Rich text and the final quiz go through the caller's readable pages.
    StudyLesson: LESSON_FIELDS,
    StudyModule: MODULE_FIELDS,
    Quiz: QUIZ_FIELDS,
}

READER_PARAMETERS = (
    "after",
    "unit",
    "subtree",
    "category",
    "document_type",
    "status",
    "date_from",
    "date_to",
)
# What a listing read from the reader index may ask (``_`` is Wagtail's cache buster).
INDEXED_PARAMETERS = {"type", "limit", "offset", "locale", "_", *READER_PARAMETERS}


def named_page(request, view, name, *, allow_root=True):
    """The page that ``?<name>=<id>`` names, among those the caller may read.

    Wagtail's tree filters look the page up in the view's base queryset, which
    a search ranks without the audience: a page the caller may not read would
    then be found (and its place in the tree shown), while an unknown id is a
    400. Here both get the same 400, with or without ``search``.
    """
    raw = request.GET[name]
    if allow_root and raw == "root":
        return view.get_root_page()
    try:
        pk = whole_number(raw, name, minimum=1)
    except BadParameter:
        pk = None
    page = readable_pages(request.user).filter(pk=pk).first() if pk else None
    if page is None:
        raise BadParameter(
            name, _("%(name)s must be the id of a page you can read.") % {"name": name}
        )
    return page


class TreeFilter(BaseFilterBackend):
    """``?<parameter>=<page id>`` narrowing the listing by the page's place in
    the tree, as Wagtail's filters of the same names do, with the page looked
    up by ``named_page``."""

    parameter = ""
    allow_root = True

    def filter_queryset(self, request, queryset, view):
        if self.parameter not in request.GET:
            return queryset
        page = named_page(request, view, self.parameter, allow_root=self.allow_root)
        # Wagtail marks a child_of listing on the queryset (descendant_of refuses it).
        child_of = getattr(queryset, "_filtered_by_child_of", None)
        queryset = self.narrow(queryset, page)
        if child_of is not None:
            queryset._filtered_by_child_of = child_of
        return queryset

    def narrow(self, queryset, page):
        raise NotImplementedError


class ChildOfFilter(TreeFilter):
    parameter = "child_of"

    def narrow(self, queryset, page):
        queryset = queryset.child_of(page)
        queryset._filtered_by_child_of = page
        return queryset


class DescendantOfFilter(TreeFilter):
    parameter = "descendant_of"

    def filter_queryset(self, request, queryset, view):
        if self.parameter in request.GET and hasattr(queryset, "_filtered_by_child_of"):
            raise BadParameter(
                self.parameter, _("descendant_of cannot be combined with child_of.")
            )
        return super().filter_queryset(request, queryset, view)

    def narrow(self, queryset, page):
        return queryset.descendant_of(page)


class AncestorOfFilter(TreeFilter):
    parameter = "ancestor_of"
    allow_root = False

    def narrow(self, queryset, page):
        return queryset.ancestor_of(page)


class TranslationOfFilter(TreeFilter):
    parameter = "translation_of"

    def narrow(self, queryset, page):
        return queryset.translation_of(page)


class ReaderPagesAPIViewSet(CheckedQueryMixin, PagesAPIViewSet):
    renderer_classes = [JSONRenderer]
    filter_backends = [
        FieldsFilter,
        UnitFeedFilter,
        ContentFieldsFilter,
        ChildOfFilter,
        AncestorOfFilter,
        DescendantOfFilter,
        OrderingFilter,
        TranslationOfFilter,
        LocaleFilter,
        CheckedSearchFilter,  # last: search results cannot be filtered further
    ]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(READER_PARAMETERS)

    @classmethod
    def get_body_fields(cls, model):
        return cls._convert_api_fields(cls.body_fields + API_FIELDS.get(model, []))

    def get_serializer_context(self):
        # ``?fields=body``: body blocks link only pages the caller may read.
        context = super().get_serializer_context()
        return {**context, READABLE_PAGES: readable_pages(self.request.user)}

    def get_queryset(self):
        """A listing of one page type narrows that type's table with the
        audience rules directly: Wagtail's ``pk IN (every readable page)``
        would read the whole archive on every listing."""
        queryset = super().get_queryset()
        if self.action != "listing_view" or getattr(self, "_unrestricted_search", False):
            return queryset
        if queryset.model is Page or "," in self.request.GET.get("type", ""):
            return queryset
        pages = readable_pages(self.request.user, queryset.model.objects.all())
        return pages.filter(locale__language_code=reader_locale(self.request))

    def get_base_queryset(self):
        if getattr(self, "_unrestricted_search", False):
            # Wagtail's search back ends filter only on indexed fields (the
            # locale, not its code), and the audience lives in its own table:
            # see _search_listing.
            locale = Locale.objects.filter(language_code=reader_locale(self.request)).first()
            return Page.objects.live().public().filter(depth__gt=1, locale=locale)
        pages = readable_pages(self.request.user)
        if self.action == "listing_view":
            # One language per listing, chosen by ?locale= or Accept-Language.
            pages = pages.filter(locale__language_code=reader_locale(self.request))
        return pages

    def handle_exception(self, exc):
        # Wagtail answers its own errors as {"message"}; ours carry a stable code.
        if isinstance(exc, BadRequestError):
            exc = ApiError("bad_parameter", str(exc))
        elif isinstance(exc, Http404):
            exc = ApiError("not_found", _("Not found."), status_code=404)
        return super(PagesAPIViewSet, self).handle_exception(exc)

    def _revalidated(self, request, kind, exists=None, *, version=None):
        """Answer 304 before any work when the caller's copy is current; else
        return the validators to send with the full response. ``exists``: see
        ``conditional.not_modified``; ``version``: the listing's own
        ``(version, last_modified)``, else the whole content's."""
        version, modified = version or content_version()
        viewer = audience_key(request.user)
        # The language is part of what the caller sees (Accept-Language may choose it).
        language = reader_locale(request)
        etag = make_etag(kind, f"{viewer}|{language}", request.get_full_path(), version)
        public = viewer == Audience.PUBLIC
        if not_modified(request, etag, modified, exists=exists):
            response = not_modified_response(etag, modified, public=public)
            patch_vary_headers(response, ["Accept-Language"])
            return response, None
        return None, (etag, modified, public)

    def _respond(self, request, data, validators, *, keep=True):
        """``keep``: store the body for ``_cached`` (searches are not looked up there)."""
        etag, modified, public = validators
        body = JSONRenderer().render(data)
        if keep:
            remember_body(request, etag, (body, public))
        response = HttpResponse(body, content_type="application/json")
        patch_vary_headers(response, ["Accept-Language"])
        return apply_validators(response, etag, modified, public=public)

    def _cached(self, request, validators):
        """The body rendered earlier for the same ETag (same caller view, URL and
        content version), so never stale."""
        etag, modified, _public = validators
        hit = remembered_body(request, etag)
        if hit is None:
            return None
        body, public = hit
        response = HttpResponse(body, content_type="application/json")
        patch_vary_headers(response, ["Accept-Language"])
        return apply_validators(response, etag, modified, public=public)

    def listing_view(self, request):
        answered, validators = self._revalidated(
            request, "pages", version=self._listing_version(request)
        )
        if answered:
            return answered
        if "search" not in request.GET and (cached := self._cached(request, validators)):
            return cached
        if "search" in request.GET:
            return self._search_listing(request, validators)
        after = parse_after(request)
        offset, limit = parse_window(request)
        indexed = self._indexed_listing(request)
        if indexed is not None:
            parts, windows, prepare = indexed
            data, rows, total, capped = indexed_window(
                parts,
                request,
                offset=offset,
                limit=limit,
                after=after,
                prepare=prepare,
                windows=windows,
            )
            return self._respond_window(request, data, rows, limit, (total, capped), validators)
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        queryset = self.filter_queryset(queryset)
        if "order" not in request.GET:
            queryset = queryset.order_by(*NEWEST_FIRST)
        total, capped = capped_count(queryset)
        if after:
            queryset = continue_after(queryset, after)
        # One row more than asked: whether a next window exists, at no extra query.
        if "fields" in request.GET:
            pages = list(queryset[offset : offset + limit + 1])
            rows = [(page.pk, page.first_published_at) for page in pages]
            data = self.get_serializer(pages[:limit], many=True).data
        else:
            window = queryset.values_list("pk", "first_published_at")
            rows = list(window[offset : offset + limit + 1])
            data = summaries([pk for pk, _published in rows[:limit]], request)
        return self._respond_window(request, data, rows, limit, (total, capped), validators)

    def _respond_window(self, request, data, rows, limit, count, validators):
        """``rows``: ``(id, published)`` of each item read, one more than
        ``limit`` when more follow (``data`` has ``limit`` at most);
        ``count``: ``(total, capped)``."""
        total, capped = count
        meta = {"total_count": total, "total_count_capped": capped, "next": None}
        if len(rows) > limit and "order" not in request.GET:
            meta["next"] = cursor_of(*reversed(rows[limit - 1]))
        return self._respond(request, {"meta": meta, "items": data[:limit]}, validators)

    def _indexed_listing(self, request):
        """The same listing read from the reader index alone (``reader_index``:
        one narrow table, indexes shaped like the listings), when it asks only
        for what the index holds: compact items of a unit's feed or subtree,
        or of one content type, with the reader filters: the querysets of
        ``reader_index_parts`` to count, the same to read newest first
        (``in_indexed_feed``), and whether to prepare its statement. Else
        None. Every parameter it takes is checked as the filters check it."""
        get = request.GET
        if set(get) - INDEXED_PARAMETERS:
            return None
        try:
            models = page_models_from_string(get["type"]) if "type" in get else []
        except (LookupError, ValueError):
            return None  # Wagtail's own path answers it
        if len(models) > 1 or (models and not issubclass(models[0], UnitContentPage)):
            return None
        if not models and "unit" not in get:
            return None  # every type: unit home pages and lists too
        typed = Q()
        if models:
            types = [model for model in get_page_models() if issubclass(model, models[0])]
            typed = Q(content_type__in=ContentType.objects.get_for_models(*types).values())
        subtree = boolean_parameter(request, "subtree")
        # What is counted and what is read newest first: the same rows.
        narrowing = (typed, typed)
        if "unit" in get:
            feed = in_indexed_feed(unit_parameter(request), subtree=subtree)
            narrowing = tuple(typed & rows for rows in feed)
        asked = reader_filters(request)
        parts = reader_index_parts(request.user, reader_locale(request))
        counted = [narrow_index(rows.filter(narrowing[0]), asked) for rows in parts]
        windows = None  # read as counted: one SQL for both (``indexed_window``)
        if narrowing[1] != narrowing[0]:
            windows = [narrow_index(rows.filter(narrowing[1]), asked) for rows in parts]
        # A unit's own feed reads one index range whatever the unit: its plan
        # does not depend on the values. A subtree or a date range holds a few
        # rows or the whole city, and must be planned for its own.
        own_feed = "unit" in get and not subtree
        prepare = own_feed and not any(lookup != "exact" for _c, lookup, _v in asked)
        return counted, windows, prepare

    @staticmethod
    def _listing_version(request):
        """A unit's feed or subtree has its own version (``FeedVersion``): a
        publish elsewhere leaves it, its ETag and its cached body valid."""
        if "unit" in request.GET and "search" not in request.GET:
            subtree = boolean_parameter(request, "subtree")
            return feed_version(unit_feed_keys(unit_parameter(request).path, subtree=subtree))
        return feed_version([EVERYTHING])

    def _search_listing(self, request, validators):
        """``?search=`` with Wagtail's search back end: rank without the
        audience (which the engine cannot filter on), then keep what the caller
        may read among the first SEARCH_WINDOW results. Counts and items are
        the caller's; archive search with facets is /api/search/."""
        offset, limit = parse_window(request)
        self._unrestricted_search = True
        try:
            queryset = self.get_queryset()
            self.check_query_parameters(queryset)
            ranked = [page.pk for page in self.filter_queryset(queryset)[:SEARCH_WINDOW]]
        finally:
            self._unrestricted_search = False
        readable = set(
            readable_pages(request.user).filter(pk__in=ranked).values_list("pk", flat=True)
        )
        ids = [pk for pk in ranked if pk in readable]
        window = ids[offset : offset + limit]
        if "fields" in request.GET:
            pages = {page.pk: page for page in self.get_queryset().filter(pk__in=window)}
            data = self.get_serializer([pages[pk] for pk in window], many=True).data
        else:
            data = summaries(window, request)
        return self._respond(
            request, {"meta": {"total_count": len(ids)}, "items": data}, validators, keep=False
        )

    def detail_view(self, request, pk):
        response = self._page_detail(request, pk)
        # Into this process's buffer (readership.recording): no query here.
        if opened_by_reader(request, response):
            record_item_opened(request.user, pk)
        return response

    def _page_detail(self, request, pk):
        # The detail prints its files: their changes write no page log entry.
        answered, validators = self._revalidated(
            request,
            f"page|{files_version(pk)}",
            exists=lambda: self.get_queryset().filter(pk=pk).exists(),
        )
        if answered:
            return answered
        if cached := self._cached(request, validators):
            return cached
        page = self.get_object()
        etag, modified, public = validators
        # A page anyone may read is the same for everybody: shared caches may keep it.
        for_anyone = ReaderRule().allows(getattr(page, "audience", None))
        validators = (etag, modified, public or for_anyone)
        if "fields" in request.GET:
            data = self.get_serializer(page).data
        else:
            files = set()
            if isinstance(page, PartyDocument):
                files = set(
                    visible_documents(request.user)
                    .filter(party_document_attachments__page=page)
                    .values_list("pk", flat=True)
                )
            data = page_detail(page, request, files)
            data["translations"] = translations_of(page, request)
        return self._respond(request, data, validators)
