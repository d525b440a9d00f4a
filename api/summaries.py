"""Listing items read in one statement: the page, its owning unit and its
type's own fields (news, documents) joined, no model instances built.

A listing of 20 or 200 items costs one query, plus two for image renditions
when its news show pictures. A listing read from the reader index
(``indexed_window``) also carries its capped count in that statement and
reads the filters' SQL once for both. Only a unit's own feed is prepared
(``cms.prepared``): how many rows a unit's subtree or a date range holds
differs a thousandfold between listings of the same shape, and PostgreSQL's
generic plan for a prepared statement, taken after five runs, read the whole
city's news in 60 ms where a plan for its own values takes 13. Page addresses are worked
out as Wagtail's ``get_full_url`` does, from the site root paths, with one
reverse per language instead of one per page.
"""

from collections import namedtuple
from contextlib import nullcontext
from urllib.parse import quote

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.dateparse import parse_date
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from cms.prepared import prepared_cursor
from content_types.models import NewsArticle, PageAudience, PartyDocument
from editorial.models import Unit

from . import keyset
from .conditional import aware_datetime
from .locales import is_fallback

THUMBNAIL = "fill-480x270|format-jpeg"
LARGE = "max-1200x1200|format-jpeg"
# What Django's reverse leaves unquoted in a path (django.urls.resolvers).
_PATH_SAFE = "!$&'()*+,;=/~:@"

# One listing item's values, whichever way they were read.
SummaryRow = namedtuple(
    "SummaryRow",
    "pk title description url_path alias_of_id first_published_at last_published_at "
    "content_type_id language unit_id unit_code unit_name "
    "news_id lead news_date category image_id "
    "document_id number document_type status issued_on document_summary",
)


def _columns():
    quote_name = connection.ops.quote_name
    news, documents = NewsArticle._meta, PartyDocument._meta
    return ", ".join(
        (
            "p.id, p.title, p.search_description, p.url_path, p.alias_of_id",
            "p.first_published_at, p.last_published_at, p.content_type_id, l.language_code",
            "u.id, u.code, u.name",
            f"n.{quote_name(news.pk.column)}, n.lead, n.date, n.category, n.featured_image_id",
            f"d.{quote_name(documents.pk.column)}, d.number, d.document_type, d.status",
            "d.issued_on, d.summary",
        )
    )


def _joins():
    table = connection.ops.quote_name
    return (
        f" JOIN {table(Locale._meta.db_table)} l ON l.id = p.locale_id"
        f" LEFT JOIN {table(PageAudience._meta.db_table)} a ON a.page_id = p.id"
        f" LEFT JOIN {table(Unit._meta.db_table)} u ON u.id = a.unit_id"
        f" LEFT JOIN {table(NewsArticle._meta.db_table)} n"
        f" ON n.{table(NewsArticle._meta.pk.column)} = p.id"
        f" LEFT JOIN {table(PartyDocument._meta.db_table)} d"
        f" ON d.{table(PartyDocument._meta.pk.column)} = p.id"
    )


def _day(value):
    return parse_date(value) if isinstance(value, str) else value


def _row(values):
    row = SummaryRow(*values)
    return row._replace(
        first_published_at=aware_datetime(row.first_published_at),
        last_published_at=aware_datetime(row.last_published_at),
        news_date=_day(row.news_date),
        issued_on=_day(row.issued_on),
    )


def summaries(page_ids, request):
    """Listing items for ``page_ids``, in that order (ids of no page are left out)."""
    if not page_ids:
        return []
    page = connection.ops.quote_name(Page._meta.db_table)
    places = ", ".join(["%s"] * len(page_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_columns()} FROM {page} p{_joins()} WHERE p.id IN ({places})",
            list(page_ids),
        )
        rows = {row.pk: row for row in map(_row, cursor.fetchall())}
    return Items(request).render([rows[pk] for pk in page_ids if pk in rows])


def indexed_window(parts, request, *, offset, limit, after=None, prepare=False, windows=None):
    """One window of a listing read from the reader index, newest first:
    ``(items, (id, published) of each row read, count, capped)``, one row
    more read than ``limit`` when more follow. ``parts``: the listing's
    disjoint ``PageAudience`` querysets (``reader_index_parts``, filtered);
    each yields its own newest ``offset + limit + 1`` rows through its index
    and the window is cut from their union, so no part is ever sorted whole.
    ``windows``: the same parts written as their windows read them best, if
    that differs from how they are counted (a top-level unit's subtree).
    ``after``: the ``(published, id)`` the window continues after. The count
    is ``keyset.capped_count``'s, of the whole listing, in the same statement.
    ``prepare``: the listing's plan does not depend on its values (a unit's own
    feed), so the statement is prepared (``cms.prepared``); the window's
    numbers are then written into it, as a generic plan guesses at a
    parameter's LIMIT.
    """
    adapt = connection.ops.adapt_datetimefield_value
    following, following_params = "", []
    if after:
        published, page_id = after
        following = (
            "WHERE f.first_published_at < %s OR (f.first_published_at = %s AND f.page_id < %s)"
        )
        following_params = [adapt(published), adapt(published), page_id]
    newest = "ORDER BY f.first_published_at DESC, f.page_id DESC"
    # Each part counted up to the cap on its own (a LIMIT over their union
    # would not reach the parts' plans), the next only while the sum is under
    # the cap: PostgreSQL runs a subquery in a CASE branch only when taken.
    # OFFSET 0 keeps it from copying the sum so far into both branches.
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    counted, count_params = "SELECT 0 AS n", []
    window_sqls, window_params = [], []
    for position, (part, window) in enumerate(zip(parts, windows or parts, strict=True)):
        part_sql, part_params = _rows_sql(part)
        counted = (
            f"SELECT CASE WHEN s.n > {keyset.COUNT_CAP} THEN s.n ELSE s.n +"
            f" (SELECT COUNT(*) FROM (SELECT 1 FROM ({part_sql}) c LIMIT {keyset.COUNT_CAP + 1})"
            f" k) END AS n FROM ({counted}{fence}) s"
        )
        count_params = [*part_params, *count_params]
        rows_sql, rows_params = (part_sql, part_params) if window is part else _rows_sql(window)
        window_sqls.append(
            "SELECT * FROM (SELECT f.page_id, f.first_published_at"
            f" FROM ({rows_sql}) f {following} {newest} LIMIT {offset + limit + 1}) part{position}"
        )
        window_params += [*rows_params, *following_params]
    page = connection.ops.quote_name(Page._meta.db_table)
    sql = (
        f"SELECT {_columns()}, w.first_published_at, ({counted})"
        f" FROM (SELECT f.page_id, f.first_published_at FROM ({' UNION ALL '.join(window_sqls)}) f"
        f" {newest} LIMIT {limit + 1} OFFSET {offset}) w"
        f" JOIN {page} p ON p.id = w.page_id{_joins()}"
        " ORDER BY w.first_published_at DESC, w.page_id DESC"
    )
    with prepared_cursor() if prepare else connection.cursor() as cursor:
        cursor.execute(sql, [*count_params, *window_params])
        fetched = cursor.fetchall()
        if fetched:
            count = fetched[0][-1]
        else:  # past the end: the count on its own
            cursor.execute(counted, count_params)
            (count,) = cursor.fetchone()
    summary_rows = [_row(values[: len(SummaryRow._fields)]) for values in fetched]
    keys = [(values[0], aware_datetime(values[-2])) for values in fetched]
    items = Items(request).render(summary_rows[:limit])
    return items, keys, *keyset.capped(count)


def _rows_sql(part):
    return part.order_by().values_list("page_id", "first_published_at").query.sql_with_params()


def row_of_page(page, unit):
    """The listing values of one page already loaded (a detail), ``page`` specific."""
    is_news, is_document = isinstance(page, NewsArticle), isinstance(page, PartyDocument)
    return SummaryRow(
        page.pk,
        page.title,
        page.search_description,
        page.url_path,
        page.alias_of_id,
        page.first_published_at,
        page.last_published_at,
        page.content_type_id,
        page.locale.language_code,
        unit.pk if unit else None,
        unit.code if unit else None,
        unit.name if unit else None,
        page.pk if is_news else None,
        page.lead if is_news else None,
        page.date if is_news else None,
        page.category if is_news else None,
        page.featured_image_id if is_news else None,
        page.pk if is_document else None,
        *(
            (page.number, page.document_type, page.status, page.issued_on, page.summary)
            if is_document
            else (None,) * 5
        ),
    )


def unit_summary(unit):
    return unit_json(unit.pk, unit.code, unit.name) if unit else None


def unit_json(pk, code, name):
    """A unit as items show it (None: a page no unit owns)."""
    return {"id": pk, "code": code, "name": name} if pk else None


class Items:
    """Renders ``SummaryRow`` values as listing items for one request."""

    def __init__(self, request):
        self.request = request
        self.detail_prefix = request.build_absolute_uri(reverse("api_v2:pages:listing"))
        self.urls = PageUrls()

    def render(self, rows):
        images = images_by_id({row.image_id for row in rows} - {None})
        return [self.item(row, images) for row in rows]

    def item(self, row, images):
        """The listing item: small, with everything a list row shows."""
        published = row.first_published_at
        item = {
            "id": row.pk,
            "type": type_label(row.content_type_id),
            "detail_url": f"{self.detail_prefix}{row.pk}/",
            "html_url": self.urls.full_url(row.url_path),
            "title": row.title,
            "summary": row.description,
            "date": published.date().isoformat() if published else None,
            "last_published_at": _iso(row.last_published_at),
            "unit": unit_json(row.unit_id, row.unit_code, row.unit_name),
            "image": None,
            "locale": row.language,
            # The Vietnamese original mirrored into another language: not translated yet.
            "fallback": is_fallback(row, row.language),
        }
        if row.news_id is not None:
            item.update(
                summary=row.lead,
                date=row.news_date.isoformat(),
                category=row.category,
                image=image_json(images.get(row.image_id), self.request),
            )
        elif row.document_id is not None:
            item.update(
                summary=row.document_summary,
                date=row.issued_on.isoformat(),
                number=row.number,
                document_type=row.document_type,
                status=row.status,
            )
        return item


def _iso(value):
    return value.isoformat() if value else None


def type_label(content_type_id):
    return ContentType.objects.get_for_id(content_type_id).model_class()._meta.label


def images_by_id(ids):
    if not ids:
        return {}
    images = get_image_model().objects.filter(pk__in=ids).prefetch_renditions(THUMBNAIL, LARGE)
    return {image.pk: image for image in images}


def image_json(image, request):
    if image is None:
        return None
    thumbnail, large = image.get_rendition(THUMBNAIL), image.get_rendition(LARGE)
    return {
        "id": image.pk,
        "title": image.title,
        "thumbnail": request.build_absolute_uri(thumbnail.url),
        "url": request.build_absolute_uri(large.url),
        "width": large.width,
        "height": large.height,
    }


class PageUrls:
    """Full page addresses as ``Page.get_full_url()`` gives them (no request:
    the first site whose root holds the page), from ``url_path`` alone."""

    def __init__(self):
        self.roots = Site.get_site_root_paths()
        self.serve_prefixes = {}

    def full_url(self, url_path):
        root = next((root for root in self.roots if url_path.startswith(root.root_path)), None)
        if root is None:
            return None
        _site, root_path, root_url, language_code = root
        prefix = self._serve_prefix(language_code)
        if prefix is None:
            return None
        path = prefix + quote(url_path[len(root_path) :], safe=_PATH_SAFE)
        if not getattr(settings, "WAGTAIL_APPEND_SLASH", True) and path != "/":
            path = path.rstrip("/")
        return root_url + path

    def _serve_prefix(self, language_code):
        """Wagtail's serve address of a site root in ``language_code`` (or the
        active language's variant of it)."""
        if language_code not in self.serve_prefixes:
            i18n = getattr(settings, "WAGTAIL_I18N_ENABLED", False)
            language = language_code
            if i18n:
                try:
                    active = get_supported_content_language_variant(translation.get_language())
                    if active == language_code:
                        language = translation.get_language()
                except LookupError:
                    pass
            try:
                with translation.override(language) if i18n else nullcontext():
                    prefix = reverse("wagtail_serve", args=("",))
            except NoReverseMatch:
                prefix = None
            self.serve_prefixes[language_code] = prefix
        return self.serve_prefixes[language_code]
