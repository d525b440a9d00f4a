"""Validators for weak networks: ETag and Last-Modified computed before the body.

A reader app revalidating a listing it already has must cost the server (and
the phone) as little as possible, so the validator comes from one small
aggregate query and a match answers 304 before any item is serialised.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import IntegerField, Value
from django.http import HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import PageLogEntry

from content_types.models import PageListing
from readaloud.models import PageAudio

from .models import PageChange
from .visibility import used_on_page

# Bump when the shape of responses changes: old ETags must stop matching.
RESPONSE_VERSION = "1"


# An image's focal point decides its cropped renditions, so their addresses.
_FOCAL_POINT = ("focal_point_x", "focal_point_y", "focal_point_width", "focal_point_height")


def body_cache_key(request, etag):
    # Absolute URLs in bodies depend on the address the app called.
    return f"api-body:{request.scheme}:{request.get_host()}:{etag}"


# Rendered bodies are cached under their ETag: a new content version is a new
# key, so a cached body is never stale; the timeout (API_BODY_CACHE_SECONDS,
# 0: no body cache) only frees memory.


def remembered_body(request, etag):
    """What ``remember_body`` kept for this ETag and address, or None."""
    if not settings.API_BODY_CACHE_SECONDS:
        return None
    return cache.get(body_cache_key(request, etag))


def remember_body(request, etag, value, seconds=None):
    if settings.API_BODY_CACHE_SECONDS:
        timeout = min(seconds or settings.API_BODY_CACHE_SECONDS, settings.API_BODY_CACHE_SECONDS)
        cache.set(body_cache_key(request, etag), value, timeout)


def make_etag(*parts):
    digest = hashlib.blake2b(
        "|".join(map(str, (RESPONSE_VERSION, *parts))).encode(), digest_size=12
    )
    return f'"{digest.hexdigest()}"'


def _strip_weak(tag):
    return tag[2:] if tag.startswith("W/") else tag


def not_modified(request, etag, last_modified=None, *, exists=None):
    """True when the caller's copy is current (If-None-Match wins over If-Modified-Since).

    ``If-None-Match: *`` matches any current representation, and only one
    (RFC 9110, 13.1.2): ``exists()`` says whether there is one for this
    caller (None: always, as for a listing), so a missing or hidden page is
    still answered 404, not 304.
    """
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if header:
        tags = {_strip_weak(tag) for tag in parse_etags(header)}
        if etag in tags:
            return True
        return "*" in tags and (exists is None or exists())
    since = parse_http_date_safe(request.META.get("HTTP_IF_MODIFIED_SINCE", ""))
    if since is not None and last_modified is not None:
        return int(last_modified.timestamp()) <= since
    return False


def apply_validators(response, etag, last_modified=None, *, public):
    """ETag, Last-Modified and Cache-Control; public content may be kept by shared caches."""
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    if public:
        patch_cache_control(response, public=True, max_age=60)
    else:
        patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
    patch_vary_headers(response, ("Authorization", "Accept-Language", "Cookie"))
    return response


def not_modified_response(etag, last_modified=None, *, public):
    return apply_validators(HttpResponseNotModified(), etag, last_modified, public=public)


def content_version():
    """``(version, last_modified)`` of everything readers can see, in one cheap query.

    Every publish, unpublish, delete and move writes a Wagtail log entry
    (``import_content`` writes them too); promotions write ``PageListing`` rows;
    the sync log catches the rest. Their newest ids change whenever any listing
    could have changed, so a validator built on them is never stale, and costs
    three index look-ups instead of an aggregate over the listing.
    """
    log = PageLogEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(id) FROM {log}),"
            f" (SELECT timestamp FROM {log} ORDER BY id DESC LIMIT 1),"
            f" (SELECT MAX(id) FROM {PageChange._meta.db_table}),"
            f" (SELECT MAX(id) FROM {PageListing._meta.db_table})"
        )
        log_id, modified, change_id, listing_id = cursor.fetchone()
    return f"{log_id}.{change_id}.{listing_id}", aware_datetime(modified)


def aware_datetime(value):
    """A datetime read by raw SQL as the ORM gives it (SQLite hands back text
    or naive UTC)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def files_version(page_id):
    """A marker of the images, documents and audio page ``page_id`` shows, in two queries.

    Changing a file, its title or an image's focal point writes no page log
    entry, so ``content_version`` does not see it; a page detail's validator
    adds this marker so that its ETag (and the body cached under it) changes
    with the files it prints: their ids, stored names (a new upload is a new
    name), hashes and titles.
    """
    image_model, document_model = get_image_model(), get_document_model()
    images = image_model.objects.filter(used_on_page(image_model, page_id)).values_list(
        Value("image"), "pk", "file", "file_hash", "title", *_FOCAL_POINT
    )
    documents = (
        document_model.objects.filter(used_on_page(document_model, page_id))
        .annotate(**{field: Value(None, IntegerField()) for field in _FOCAL_POINT})
        .values_list(Value("document"), "pk", "file", "file_hash", "title", *_FOCAL_POINT)
    )
    rows = sorted(images.union(documents, all=True), key=str)
    # The read-aloud audio it prints is made after the publish, by the worker.
    rows.append(audio_marker(page_id))
    return hashlib.blake2b(repr(rows).encode(), digest_size=8).hexdigest()


def audio_marker(page_id):
    return (
        PageAudio.objects.filter(page_id=page_id)
        .values_list("state", "spoken_hash", "file", "recording_id")
        .first()
    )


def audio_version():
    """When any page's audio last changed: sync reports audio changes."""
    latest = PageAudio.objects.order_by("-changed_at").values_list("changed_at", flat=True)
    return latest.first()
