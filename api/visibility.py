"""What a caller may see through the API: pages, and the files behind them.

The one place the API applies audiences. Pages use
``content_types.models.audience.readable_for`` (the same filter as the reader
site); an image or a document is visible when no page uses it, or when at
least one live page the caller may read does. So a file attached to a
unit-only page is hidden from other units' members, in listings, details and
the download, while a file also used on a public page stays public.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex

from content_types.models import DocumentAttachment, NewsArticle
from content_types.models.audience import readable_for, reader_branch_path, under_view_restriction


def readable_pages(user):
    """Live pages ``user`` may read (the tree root excluded).

    Pages under a Wagtail view restriction, and aliases of such pages, are
    left out for every caller: see ``under_view_restriction`` for why the API
    does not let anyone pass one.
    """
    return (
        Page.objects.live()
        .filter(depth__gt=1)
        .filter(readable_for(user))
        .exclude(under_view_restriction())
    )


def audience_key(user):
    """What decides a caller's view of content: used in ETags and cache headers.

    Anonymous callers and inactive members share the public view; members see
    by branch.
    """
    path = reader_branch_path(user)
    return "public" if path is None else f"branch:{path}"


def _references(model, page_filter):
    """Exists() over the reference index: a page (matching ``page_filter``) uses the object."""
    page_ids = Page.objects.filter(page_filter).annotate(key=Cast("pk", CharField())).values("key")
    return Exists(
        ReferenceIndex.objects.filter(
            to_content_type=ContentType.objects.get_for_model(model),
            to_object_id=Cast(OuterRef("pk"), CharField()),
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=page_ids,
        )
    )


def _direct_uses(model, page_filter):
    """Exists() over the foreign keys that put a file on a page."""
    pages = Page.objects.filter(page_filter).values("pk")
    if model is get_document_model():
        return Exists(
            DocumentAttachment.objects.filter(document_id=OuterRef("pk"), page_id__in=pages)
        )
    return Exists(NewsArticle.objects.filter(featured_image_id=OuterRef("pk"), pk__in=pages))


def visible_files(model, user):
    """A Q over images or documents: those ``user`` may see."""
    readable = Q(live=True) & Q(depth__gt=1) & readable_for(user)
    used = _direct_uses(model, Q()) | _references(model, Q())
    used_on_readable = _direct_uses(model, readable) | _references(model, readable)
    return ~used | used_on_readable


def visible_documents(user):
    return get_document_model().objects.filter(visible_files(get_document_model(), user))


def visible_images(user):
    return get_image_model().objects.filter(visible_files(get_image_model(), user))
