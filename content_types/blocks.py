"""StreamField blocks for content pages, headless-ready.

Each block's ``get_api_representation`` returns what a reader app can use as it
is: rendition URLs and resolved links, never bare ids.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


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
        page = value["page"]
        if page is None:
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
