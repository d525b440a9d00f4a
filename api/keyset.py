"""Endless scrolling over a listing: ``?after=<cursor>`` and capped counts.

A listing in its default order (newest first: ``-first_published_at``,
``-pk``) names, in ``meta.next``, the cursor of its last item when more
follow. ``?after=<cursor>`` continues from there with an index range scan,
whatever the depth, where ``offset`` would read and drop every row before
it. The cursor is opaque to apps (``p1.<microseconds>.<page id>``).

Counting every readable page of a city archive costs more than rendering a
page of it, so ``meta.total_count`` is exact up to ``COUNT_CAP`` and stops
there; ``meta.total_count_capped`` says when it stopped.
"""

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from .exceptions import BadParameter

COUNT_CAP = 10_000
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
NEWEST_FIRST = ("-first_published_at", "-pk")


def cursor_of(published, page_id):
    micros = int((published - EPOCH).total_seconds() * 1_000_000) if published else 0
    return f"p1.{micros}.{page_id}"


def parse_after(request):
    """``(published, page id)`` of ``?after=``, or None; a 400 naming ``after``
    for a cursor no listing gave, or one combined with ``order`` or ``offset``."""
    raw = request.GET.get("after")
    if raw is None:
        return None
    if "order" in request.GET or "offset" in request.GET or "search" in request.GET:
        message = _("A cursor continues the newest-first listing: drop order, offset and search.")
        raise BadParameter("after", message)
    try:
        version, micros, page_id = raw.split(".")
        micros, page_id = int(micros), int(page_id)
        if version != "p1" or micros < 0 or page_id < 1 or page_id > 2**31:
            raise ValueError(raw)
        published = EPOCH + datetime.timedelta(microseconds=micros)
    except (ValueError, OverflowError):
        raise BadParameter("after", _("Not a cursor from this listing.")) from None
    return published, page_id


def continue_after(queryset, after):
    """The pages that come after ``after`` in the newest-first order."""
    published, page_id = after
    return queryset.filter(
        Q(first_published_at__lt=published) | Q(first_published_at=published, pk__lt=page_id)
    )


def capped_count(queryset):
    """``(count, capped)``: exact up to COUNT_CAP rows, then COUNT_CAP and True."""
    # Unordered: the database stops at the cap instead of sorting everything first.
    return capped(queryset.order_by()[: COUNT_CAP + 1].count())


def capped(count):
    """``(count, capped)`` of a count taken up to COUNT_CAP + 1 rows."""
    return min(count, COUNT_CAP), count > COUNT_CAP
