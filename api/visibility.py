"""What a caller may see through the API: pages, and the files behind them.

The one place the API applies audiences. Pages use
``content_types.models.audience.readable_pages`` (the same rule as search and
the admin's choosers); an image or a document is visible when at least one
live page the caller may read uses it in its published version. So a file attached to a
unit-only page is hidden from other units' members, in listings, details and
the download, while a file also used on a public page stays public; a file
nobody has published yet (just uploaded, or attached to a draft under review)
is nobody's but its editors' (``file_readable``).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from content_types.models import DocumentAttachment, NewsArticle
from content_types.models.audience import Audience, ReaderRule
from content_types.models.audience import readable_pages as readable_pages  # re-exported


def audience_key(user):
    """What decides a caller's view of content: used in ETags and cache headers.

    Anonymous callers and inactive members share the public view; members see
    by branch.
    """
    rule = ReaderRule.for_user(user)
    return Audience.PUBLIC.value if rule.is_public else f"branch:{rule.branch_path}"


def _references(model, pages):
    """Exists() over the reference index: one of ``pages`` uses the object.

    Wagtail indexes a page from its database row (``update_reference_index_task``
    reloads it), and a live page's row holds its published version: a draft
    revision lives only in ``wagtailcore_revision``, which is not indexed. So
    a file added to a draft is not a use until the draft is published.
    """
    page_ids = pages.annotate(key=Cast("pk", CharField())).values("key")
    return Exists(
        ReferenceIndex.objects.filter(
            to_content_type=ContentType.objects.get_for_model(model),
            to_object_id=Cast(OuterRef("pk"), CharField()),
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id__in=page_ids,
        )
    )


def _direct_uses(model, pages):
    """Exists() over the foreign keys that put a file on a page: they count at
    once, while the reference index is refreshed by a background task."""
    page_ids = pages.values("pk")
    if model is get_document_model():
        return Exists(
            DocumentAttachment.objects.filter(document_id=OuterRef("pk"), page_id__in=page_ids)
        )
    return Exists(NewsArticle.objects.filter(featured_image_id=OuterRef("pk"), pk__in=page_ids))


def visible_files(model, user):
    """A Q over images or documents: those a live page ``user`` may read uses."""
    pages = readable_pages(user)
    return _direct_uses(model, pages) | _references(model, pages)


def used_on_page(model, page_id):
    """A Q over images or documents: those page ``page_id`` uses in its
    published version (the uses ``visible_files`` counts, for one page)."""
    page = Page.objects.filter(pk=page_id)
    return _direct_uses(model, page) | _references(model, page)


def visible_documents(user):
    return get_document_model().objects.filter(visible_files(get_document_model(), user))


def visible_images(user):
    return get_image_model().objects.filter(visible_files(get_image_model(), user))


def _editor_may_use(user, model, pk):
    """Editors see the files of their collections in the admin (thumbnails,
    choosers, the file they attach to a draft) whatever the pages using them."""
    if not (user.is_authenticated and user.has_perm("wagtailadmin.access_admin")):
        return False
    obj = model.objects.filter(pk=pk).first()
    policy = policy_registry.get_by_type(model)
    return obj is not None and policy.user_has_any_permission_for_instance(
        user, ["choose", "change"], obj
    )


def audio_readable(user, page_ids):
    """May ``user`` play audio that ``page_ids`` are read aloud with? When they
    may read one of the pages, or edit one (editors hear it in the preview)."""
    if readable_pages(user).filter(pk__in=page_ids).exists():
        return True
    if not (user.is_authenticated and user.has_perm("wagtailadmin.access_admin")):
        return False
    return any(
        page.permissions_for_user(user).can_edit()
        for page in Page.objects.filter(pk__in=page_ids).specific()
    )


def file_readable(user, model, pk):
    """May ``user`` open the image or document ``pk`` of ``model`` (its
    file, renditions or download)? The rule of the listings, plus editors'
    own collections."""
    if model.objects.filter(visible_files(model, user), pk=pk).exists():
        return True
    return _editor_may_use(user, model, pk)
