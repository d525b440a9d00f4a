"""Archive bodies turned into the rich text of one paragraph block.

Older systems export a body as plain text or as HTML of any vintage: Word
pastes, inline styles, tables, scripts. The paragraph block of
``content_types.blocks.ArticleBodyBlock`` accepts only what its editor allows
(paragraphs, bold, italic, links, lists), so HTML is rewritten to that subset
and plain text becomes ``<p>`` paragraphs. Other tags are dropped but their
text is kept; scripts, styles and images are dropped with their content.
Pure functions over strings, with no database, fast enough for 10,000 items.
"""

import html
import re
from html.parser import HTMLParser

from wagtail.whitelist import check_url

# A body with a common HTML tag is HTML; otherwise it is plain text, so that
# "<Hội nghị>" in a plain text is kept as written.
_LOOKS_LIKE_HTML = re.compile(
    r"</?(p|br|div|span|b|strong|i|em|u|a|ul|ol|li|h[1-6]|table|tbody|tr|td|th|img|font|"
    r"blockquote|section|article|html|body|script|style|iframe|hr|pre|sup|sub)(\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SPACES = re.compile(r"\s+")
_EMPTY_INLINE = re.compile(r"<(b|i)>(\s*)</\1>")
_TAG = re.compile(r"<[^>]+>")

# Elements that end the paragraph they interrupt.
_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "caption", "center", "dd", "div"),
        *("dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "main", "nav", "p", "pre", "section"),
        *("table", "tbody", "td", "tfoot", "th", "thead", "tr"),
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i"}
_LISTS = frozenset({"ul", "ol"})
# Elements whose content is not text a reader should see.
_DROPPED = frozenset(
    {
        *("script", "style", "head", "title", "noscript", "template", "iframe", "object"),
        *("embed", "svg", "math", "select", "textarea", "button"),
    }
)
_LINK_SCHEMES = ("http://", "https://", "mailto:")

#: The longest lead made from a body, in characters (NewsArticle.lead allows 600).
LEAD_LENGTH = 300


class _Rewriter(HTMLParser):
    """Collects paragraphs and lists in the paragraph block's HTML subset."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []  # finished top-level HTML blocks
        self.parts = []  # the paragraph (or list item) being written
        self.inline = []  # open inline tags, re-opened after a break
        self.list_tag = None  # "ul" / "ol" while inside a list
        self.list_depth = 0
        self.items = []  # finished <li> contents of the current list
        self.link_open = False
        self.dropping = 0  # depth inside a dropped element
        self.heading = False

    # Text and breaks

    def _open(self):
        """Start a paragraph (or list item) if none is open."""
        if not self.parts:
            if self.heading:
                self.parts.append("<b>")
            self.parts.extend(f"<{tag}>" for tag in self.inline)

    def handle_data(self, data):
        if self.dropping:
            return
        text = _SPACES.sub(" ", data)
        if not self.parts:
            if not text.strip():
                return
            self._open()
            text = text.lstrip()
        self.parts.append(html.escape(text, quote=False))

    def _flush(self):
        """End the paragraph or list item being written."""
        if not self.parts:
            return
        if self.link_open:
            self.parts.append("</a>")
            self.link_open = False
        self.parts.extend(f"</{tag}>" for tag in reversed(self.inline))
        if self.heading:
            self.parts.append("</b>")
        content = "".join(self.parts).strip()
        self.parts = []
        for _round in range(3):
            content = _EMPTY_INLINE.sub(r"\2", content)
        content = re.sub(r"(<br/>\s*)+$", "", content).strip()
        if not _TAG.sub("", content).strip():
            return
        if self.list_tag:
            self.items.append(content)
        else:
            self.blocks.append(f"<p>{content}</p>")

    def _close_list(self):
        self._flush()
        self.list_depth = 0
        if self.list_tag and self.items:
            items = "".join(f"<li>{item}</li>" for item in self.items)
            self.blocks.append(f"<{self.list_tag}>{items}</{self.list_tag}>")
        self.list_tag = None
        self.items = []

    # Tags

    def handle_starttag(self, tag, attrs):
        if tag in _DROPPED:
            self.dropping += 1
            return
        if self.dropping:
            return
        if tag in _LISTS:
            self._flush()
            self.list_depth += 1
            if self.list_depth == 1:
                self.list_tag = tag
            # a nested list's items join the outer list
        elif tag == "li":
            self._flush()
        elif tag in _BLOCKS:
            self._flush()
            self.heading = tag in _HEADINGS
        elif tag == "br":
            if self.parts:
                self.parts.append("<br/>")
        elif tag in _INLINE:
            name = _INLINE[tag]
            self.inline.append(name)
            if self.parts:
                self.parts.append(f"<{name}>")
        elif tag == "a":
            href = (dict(attrs).get("href") or "").strip()
            if href.lower().startswith(_LINK_SCHEMES) and check_url(href) and not self.link_open:
                self._open()
                self.parts.append(f'<a href="{html.escape(href, quote=True)}">')
                self.link_open = True

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _DROPPED:
            self.dropping -= 1

    def handle_endtag(self, tag):
        if tag in _DROPPED:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping:
            return
        if tag in _LISTS:
            self._flush()
            self.list_depth = max(0, self.list_depth - 1)
            if self.list_depth == 0:
                self._close_list()
        elif tag == "li":
            self._flush()
        elif tag in _BLOCKS:
            self._flush()
            self.heading = False
        elif tag in _INLINE:
            name = _INLINE[tag]
            if name in self.inline:
                index = len(self.inline) - 1 - self.inline[::-1].index(name)
                self.inline.pop(index)
                if self.parts:
                    self.parts.append(f"</{name}>")
        elif tag == "a" and self.link_open:
            self.parts.append("</a>")
            self.link_open = False

    def finish(self):
        self.close()
        self._close_list()
        return "".join(self.blocks)


def looks_like_html(text):
    return bool(_LOOKS_LIKE_HTML.search(text or ""))


def plain_text_to_html(text):
    """Paragraphs at blank lines, line breaks kept inside a paragraph."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = []
    for chunk in _BLANK_LINES.split(text):
        lines = [html.escape(line.strip(), quote=False) for line in chunk.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("<p>" + "<br/>".join(lines) + "</p>")
    return "".join(paragraphs)


def sanitise_html(markup):
    """Rewrite HTML to the paragraph block's subset (see the module docstring)."""
    rewriter = _Rewriter()
    rewriter.feed(markup or "")
    return rewriter.finish()


def body_html(text):
    """The paragraph block's HTML for a body given as plain text or HTML."""
    return sanitise_html(text) if looks_like_html(text) else plain_text_to_html(text)


def html_text(markup):
    """The words of rich text, for a lead."""
    return _SPACES.sub(" ", html.unescape(_TAG.sub(" ", markup or ""))).strip()


def lead_from_text(text, limit=LEAD_LENGTH):
    """The first words of ``text``, cut at a word boundary, at most ``limit`` characters."""
    text = _SPACES.sub(" ", text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–") + "…"
