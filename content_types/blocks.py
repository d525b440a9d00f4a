"""StreamField blocks for content pages, headless-ready.

Each block's ``get_api_representation`` returns what a reader app can use as it
is: rendition URLs and resolved links, never bare ids.

A body may link to pages (document blocks, page links in rich text) that the
reader may not read: another unit's unit-only page, a draft. Such a link is
never serialised: the API puts in the context either the ids of the linked
pages the caller may read (``READABLE_PAGE_IDS``), or the queryset of pages
they may read (``READABLE_PAGES``), resolved once per body. Without either,
no page link is serialised. Who may read what is the API's rule, not this
module's.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock
from wagtail.rich_text import RichText
from wagtail.rich_text.rewriters import FIND_A_TAG, extract_attrs

#: Context keys for ``get_api_representation``, see the module docstring.
READABLE_PAGE_IDS = "readable_page_ids"
READABLE_PAGES = "readable_pages"


def _page_link_id(attrs):
    if attrs.get("linktype") != "page":
        return None
    value = attrs.get("id", "")
    return int(value) if value.isdigit() else None


def rich_text_page_ids(html):
    """Ids of the pages that stored rich text (database HTML) links to."""
    ids = (_page_link_id(extract_attrs(match.group(1))) for match in FIND_A_TAG.finditer(html))
    return {pk for pk in ids if pk is not None}


def unlink_pages(html, readable_ids):
    """Stored rich text with its links to pages outside ``readable_ids`` made
    bare ``<a>`` tags (as Wagtail renders a link to a deleted page): the text
    stays, the address and the page go."""

    def replace(match):
        pk = _page_link_id(extract_attrs(match.group(1)))
        return "<a>" if pk is not None and pk not in readable_ids else match.group(0)

    return FIND_A_TAG.sub(replace, html)


def linked_page_ids(stream_value):
    """Ids of the pages an ``ArticleBodyBlock`` value links to, read from the
    stored data (no page is loaded)."""
    ids = set()
    for child in stream_value.raw_data:
        if child["type"] == "document":
            ids.add((child["value"] or {}).get("page"))
        elif child["type"] == "paragraph":
            ids |= rich_text_page_ids(child["value"] or "")
    ids.discard(None)
    return ids


def readable_links(stream_value, context):
    """The ids of the pages linked from ``stream_value`` that the caller may
    read: given by the context, or resolved from its queryset in one query."""
    context = context or {}
    if READABLE_PAGE_IDS in context:
        return context[READABLE_PAGE_IDS]
    pages = context.get(READABLE_PAGES)
    ids = linked_page_ids(stream_value)
    if pages is None or not ids:
        return frozenset()
    return frozenset(pages.filter(pk__in=ids).values_list("pk", flat=True))


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        label = _("Heading")
        form_classname = "title"
        description = _("A section heading inside the article.")


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "content_types/blocks/image_with_caption.html"

    def get_api_representation(self, value, context=None):
        image = value["image"]
        if image is None:
            return None
        return {
            "id": image.pk,
            "title": image.title,
            "caption": value["caption"],
            "url": image.get_rendition("max-1200x1200|format-jpeg").url,
            "thumbnail": image.get_rendition("fill-480x270|format-jpeg").url,
            "width": image.width,
            "height": image.height,
        }


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Said by"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "content_types/blocks/quote.html"


class VideoLinkBlock(blocks.StructBlock):
    """A link to a video; no oEmbed call, since readers are often offline."""

    url = blocks.URLBlock(label=_("Video address"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=255)

    class Meta:
        icon = "media"
        label = _("Video link")
        template = "content_types/blocks/video_link.html"


class DocumentPageLinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(label=_("Document page"))
    text = blocks.CharBlock(label=_("Link text"), required=False, max_length=255)

    class Meta:
        icon = "doc-full"
        label = _("Link to a document")
        template = "content_types/blocks/document_link.html"

    def get_api_representation(self, value, context=None):
        """The linked page, or None when the caller may not read it (see the
        module docstring)."""
        page = value["page"]
        if page is None or page.pk not in (context or {}).get(READABLE_PAGE_IDS, ()):
            return None
        return {"id": page.pk, "title": page.title, "text": value["text"] or page.title}


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=["bold", "italic", "link", "ol", "ul", "document-link"],
    )
    heading = HeadingBlock()
    image = ImageWithCaptionBlock()
    quote = QuoteBlock()
    video = VideoLinkBlock()
    document = DocumentPageLinkBlock()

    def get_api_representation(self, value, context=None):
        """Wagtail's representation (``?fields=body``), with the links to pages
        the caller may not read left out, resolved once for the whole body."""
        if value is None:
            return []
        readable = readable_links(value, context)
        context = {**(context or {}), READABLE_PAGE_IDS: readable}
        return [
            {
                "type": child.block.name,
                "value": child.block.get_api_representation(
                    RichText(unlink_pages(child.value.source, readable))
                    if child.block_type == "paragraph"
                    else child.value,
                    context=context,
                ),
                "id": child.id,
            }
            for child in value
        ]
