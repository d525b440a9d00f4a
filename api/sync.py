"""Delta sync: ``GET /api/sync/?since=<cursor>`` returns what changed for the caller.

Only content pages (news, documents, study, quizzes) are synced; unit home
pages and list pages are structure the app knows. The cursor is opaque to
apps (``v1.<change id>.<time>.<page id>``).

- ``changed``: the live pages the caller may read that were published or
  edited after the cursor (compact listing items, oldest first, ``limit`` at a
  time with ``has_more``);
- ``removed``: ids the app should drop: pages unpublished, deleted, or no
  longer readable by the caller, but only pages the caller could have had;
- ``audio``: ``{"id", "audio"}`` of the pages the caller may read whose
  read-aloud audio changed after the cursor (made by the worker after the
  publish, remade, or recorded), so an offline app fetches it again.

An app stores ``cursor`` and sends it next time; without ``since`` (or with an
ISO date-time, e.g. a day ago) it gets everything from then.

``feed=mine`` narrows ``changed`` and ``audio`` to a member's own feeds: the
pages of their branch and of each unit above it, and those promoted into
them (what the reader app's home shows), rather than everything they may read
in the whole province. A day's refresh is then a few items, not hundreds.
"""

import datetime

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView
from wagtail.models import get_page_models

from content_types.models import PageListing, UnitContentPage
from content_types.models.audience import Audience, ReaderRule, reader_index
from editorial.models.units import path_prefixes
from readaloud.models import PageAudio

from .conditional import (
    apply_validators,
    audio_version,
    content_version,
    make_etag,
    not_modified,
    not_modified_response,
    remember_body,
    remembered_body,
)
from .exceptions import BadParameter
from .locales import reader_locale
from .models import PageChange
from .pages import parse_window
from .representation import audio_summary
from .summaries import summaries
from .visibility import audience_key, readable_pages


def safety_margin():
    """Pages published in the last moments may still be committing: the next
    cursor starts a little in the past (``API_SYNC_MARGIN_SECONDS``, 5), so an
    app may get an item twice but never misses one."""
    return datetime.timedelta(seconds=getattr(settings, "API_SYNC_MARGIN_SECONDS", 5))


# A cached sync body only holds an older cursor (more re-sends, never a miss).
SYNC_CACHE_SECONDS = 60
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class Cursor:
    def __init__(self, change_id=0, published=EPOCH, page_id=0):
        self.change_id, self.published, self.page_id = change_id, published, page_id

    def __str__(self):
        micros = int((self.published - EPOCH).total_seconds() * 1_000_000)
        return f"v1.{self.change_id}.{micros}.{self.page_id}"

    @classmethod
    def parse(cls, raw):
        """The cursor ``raw`` names: one from ``str()``, an ISO date-time (naive
        means the site's time zone), or nothing (everything). Numbers or dates
        that no sync could have produced (before 1970, past year 9999, ids
        beyond 18 digits) are a 400 like any other bad value."""
        if not raw:
            return cls()
        cursor = cls._from_cursor(raw) if raw.startswith("v1.") else cls._from_moment(raw)
        if cursor is None:
            raise BadParameter(
                "since",
                _(
                    "since must be a cursor from an earlier sync, or an ISO date and "
                    "time from 1970-01-01 on."
                ),
            )
        return cursor

    @classmethod
    def _from_cursor(cls, raw):
        parts = raw.split(".")[1:]
        if len(parts) != 3 or not all(
            part.isascii() and part.isdigit() and len(part) <= 18 for part in parts
        ):
            return None
        change_id, micros, page_id = map(int, parts)
        try:
            published = EPOCH + datetime.timedelta(microseconds=micros)
        except OverflowError:
            return None
        return cls(change_id, published, page_id)

    @classmethod
    def _from_moment(cls, raw):
        try:
            moment = datetime.datetime.fromisoformat(raw)
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            moment = moment.astimezone(datetime.UTC)
        except (ValueError, OverflowError):
            return None
        if moment < EPOCH:
            return None
        before = (
            PageChange.objects.filter(changed_at__lt=moment)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        return cls(before or 0, moment, 0)


def removed_since(user, since_id, until_id, readable_ids):
    """Ids of pages changed in the window that the caller may not read now but
    could have read at some point (so may hold a copy). Only content pages:
    sync never sends a unit's home or list page, so no app holds one."""
    # The page types sync sends: those with an owner and an audience.
    labels = [m._meta.label for m in get_page_models() if issubclass(m, UnitContentPage)]
    window = PageChange.objects.filter(pk__gt=since_id, pk__lte=until_id, content_type__in=labels)
    candidates = set(window.values_list("page_id", flat=True)) - readable_ids
    if not candidates:
        return []
    candidates -= set(readable_pages(user).filter(pk__in=candidates).values_list("pk", flat=True))
    rule = ReaderRule.for_user(user)
    had = {
        change.page_id
        for change in PageChange.objects.filter(page_id__in=candidates).only(
            "page_id", "audience", "reader_paths"
        )
        if rule.allows(change.audience, change.reader_paths)
    }
    return sorted(had)


class SyncView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("since", OpenApiTypes.STR, description="Cursor from the last sync."),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description="Changed items per call (max 500)."
            ),
            OpenApiParameter(
                "offset", OpenApiTypes.INT, description="Accepted and ignored: follow `next`."
            ),
            OpenApiParameter(
                "locale",
                OpenApiTypes.STR,
                description="Language of the items (default: Accept-Language, else vi).",
            ),
            OpenApiParameter(
                "feed",
                OpenApiTypes.STR,
                enum=["mine"],
                description="`mine`: only the member's own feeds (their branch and the "
                "units above it), not everything they may read.",
            ),
        ],
        responses=inline_serializer(
            "SyncResponse",
            {
                "cursor": serializers.CharField(),
                "has_more": serializers.BooleanField(),
                "changed": serializers.ListField(child=serializers.DictField()),
                "removed": serializers.ListField(child=serializers.IntegerField()),
                "audio": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request):
        unknown = set(request.GET) - {"since", "limit", "offset", "locale", "feed"}
        if unknown:
            name = sorted(unknown)[0]
            raise BadParameter(name, _("Unknown parameter: %(name)s.") % {"name": name})
        since = Cursor.parse(request.GET.get("since", ""))
        _offset, limit = parse_window(request, limit_max=500, default=200)
        until_id = PageChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        viewer = audience_key(request.user)
        feeds = my_feeds(request.user, request.GET.get("feed"))
        language = reader_locale(request)
        etag = make_etag(
            "sync",
            viewer,
            request.GET.get("feed", ""),
            language,
            str(since),
            limit,
            content_version()[0],
            audio_version(),
        )
        public = viewer == Audience.PUBLIC
        if not_modified(request, etag):
            return _vary(not_modified_response(etag, public=public))
        # Many phones sync from the same cursor (e.g. after a morning's news):
        # the body is kept under its ETag, which a new content version replaces.
        if (cached := remembered_body(request, etag)) is not None:
            return _vary(
                apply_validators(
                    HttpResponse(cached, content_type="application/json"), etag, public=public
                )
            )

        after = Q(last_published_at__gt=since.published) | Q(
            last_published_at=since.published, pk__gt=since.page_id
        )
        # Content pages only (not unit homes and lists), from the reader index.
        readable = reader_index(request.user, language)
        if feeds is not None:
            readable = readable.filter(feeds)
        rows = list(
            readable.filter(after)
            .order_by("last_published_at", "pk")
            .values_list("pk", "last_published_at")[: limit + 1]
        )
        has_more = len(rows) > limit
        rows = rows[:limit]
        changed = summaries([pk for pk, _published in rows], request)
        removed = removed_since(request.user, since.change_id, until_id, {pk for pk, _p in rows})
        next_cursor = _next_cursor(since, rows, has_more, until_id)
        body = {
            "cursor": str(next_cursor),
            "has_more": has_more,
            "changed": changed,
            "removed": removed,
            "audio": audio_changed(readable, since, request, limit),
        }
        rendered = JSONRenderer().render(body)
        remember_body(request, etag, rendered, SYNC_CACHE_SECONDS)
        response = HttpResponse(rendered, content_type="application/json")
        return _vary(apply_validators(response, etag, public=public))


def my_feeds(user, feed):
    """With ``feed=mine``, a Q over the reader index: the pages of the
    member's branch and the units above it, and those promoted into them."""
    if feed is None:
        return None
    if feed != "mine":
        raise BadParameter("feed", _("feed must be “mine” or left out."))
    rule = ReaderRule.for_user(user)
    if rule.is_public:
        raise BadParameter("feed", _("Only a signed-in party member has feeds of their own."))
    paths = path_prefixes(rule.branch_path)
    promoted = PageListing.objects.filter(unit__path__in=paths).values_list("page_id", flat=True)
    return Q(unit_path__in=paths) | Q(pk__in=list(promoted))


def audio_changed(readable, since, request, limit):
    """The pages of ``readable`` whose audio changed after the cursor's moment
    (may repeat an entry on the next sync, never misses one)."""
    rows = (
        PageAudio.objects.filter(
            changed_at__gt=since.published,
            page__in=readable.values("pk"),
        )
        .select_related("recording")
        .order_by("changed_at", "page_id")[:limit]
    )
    return [{"id": row.page_id, "audio": audio_summary(row, request)} for row in rows]


def _vary(response):
    """The language may come from Accept-Language: caches must keep one copy per language."""
    patch_vary_headers(response, ["Accept-Language"])
    return response


def _next_cursor(since, rows, has_more, until_id):
    margin = timezone.now() - safety_margin()
    if rows and (has_more or rows[-1][1] <= margin):
        return Cursor(until_id, rows[-1][1], rows[-1][0])
    if rows or since.published < margin:
        # Start again a little in the past: late commits are not missed.
        return Cursor(until_id, max(margin, since.published) if not rows else margin, 0)
    return Cursor(until_id, since.published, since.page_id)
