"""Members' reading, as the API sees it: which detail answers count as an item
opened (``opened_by_reader``, recorded by ``readership``), and
``GET /api/reading/``, my own reading history.

A read is a page detail answered to a signed-in caller: a 200, or a 304 to an
``If-None-Match`` naming the exact ETag this caller was given for the page
(the app opening an item kept in its cache: the ETag was issued by a 200 that
checked the caller may read it, and an audience change is a new content
version, so a new ETag). Not reads: ``If-None-Match: *`` and
``If-Modified-Since`` alone (they prove nothing of the caller), refusals, and
requests the app marks as prefetching (``Purpose: prefetch`` or
``Sec-Purpose: prefetch``: keeping items for offline is not reading them).
"""

from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from readership.history import reading_history

from .exceptions import BadParameter
from .filters import parse_window
from .summaries import type_label
from .visibility import readable_pages

PREFETCH_HEADERS = ("Purpose", "Sec-Purpose")


def _prefetching(request):
    return any("prefetch" in request.headers.get(name, "").lower() for name in PREFETCH_HEADERS)


def _revalidated_exactly(request, response):
    tags = parse_etags(request.headers.get("If-None-Match", ""))
    return response.get("ETag") in {tag.removeprefix("W/") for tag in tags}


def opened_by_reader(request, response):
    """Does this page detail answer count as the caller opening the item? (See
    the module.) No query."""
    if not request.user.is_authenticated or _prefetching(request):
        return False
    if response.status_code == 200:
        return True
    return response.status_code == 304 and _revalidated_exactly(request, response)


HISTORY_RESPONSE = inline_serializer(
    "ReadingHistory",
    {
        "meta": inline_serializer(
            "ReadingHistoryMeta", {"total_count": serializers.IntegerField()}
        ),
        "items": serializers.ListField(
            child=inline_serializer(
                "ReadingHistoryItem",
                {
                    "id": serializers.IntegerField(),
                    "title": serializers.CharField(),
                    "type": serializers.CharField(),
                    "day": serializers.DateField(),
                },
            )
        ),
    },
)


class ReadingHistoryView(APIView):
    """My reading history: the items I opened, newest day first, one entry per
    item and day, among the items I may still read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("limit", OpenApiTypes.INT, description="Items per call (max 100)."),
            OpenApiParameter("offset", OpenApiTypes.INT, description="Items to skip."),
        ],
        responses=HISTORY_RESPONSE,
    )
    def get(self, request):
        unknown = sorted(set(request.GET) - {"limit", "offset"})
        if unknown:
            raise BadParameter(
                unknown[0], _("Unknown parameter: %(name)s.") % {"name": unknown[0]}
            )
        offset, limit = parse_window(request, limit_max=100, default=20)
        history = reading_history(request.user, readable_pages(request.user))
        total = history.count()
        items = [
            {
                "id": row["page_id"],
                "title": row["title"],
                "type": type_label(row["content_type_id"]),
                "day": row["day"],
            }
            for row in history[offset : offset + limit]
        ]
        response = Response({"meta": {"total_count": total}, "items": items})
        response["Cache-Control"] = "private, no-store"
        return response
