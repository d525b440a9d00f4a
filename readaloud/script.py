"""What a page says when it is read aloud: its script.

A script is a list of ``Segment``: the title, the lead or summary, and each
block of the body, in reading order, each normalised into speakable
Vietnamese (``normaliser.normalise``) and followed by a pause (longer after a
heading). URLs, videos and pictures without a caption say nothing.

``script_hash`` names what will be said in which voice: it keys the audio
file, so an unchanged text is never made again, and any change to the words,
the voice or the encoding makes a new file.
"""

import hashlib
import html
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings

from content_types.models import NewsArticle, PartyDocument, StudyLesson

from .normaliser import normalise

#: The page types that are read aloud.
SPOKEN_PAGE_TYPES = (NewsArticle, StudyLesson, PartyDocument)

HEADING_PAUSE_MS = 900
PARAGRAPH_PAUSE_MS = 450

# The text of stored rich text: block ends become line breaks, tags go.
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|div)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Segment:
    text: str
    pause_ms: int = PARAGRAPH_PAUSE_MS

    @property
    def is_heading(self):
        return self.pause_ms >= HEADING_PAUSE_MS


def rich_text_words(source):
    """Plain text of stored rich text (database HTML), one line per block."""
    return html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", source or "")))


def _body_texts(stream_value):
    """``(text, is_heading)`` of each block of an ``ArticleBodyBlock`` value."""
    for child in stream_value:
        value = child.value
        if child.block_type == "heading":
            yield value, True
        elif child.block_type == "paragraph":
            for line in rich_text_words(value.source).split("\n"):
                yield line, False
        elif child.block_type == "quote":
            yield value.get("quote", ""), False
            yield value.get("attribution", ""), False
        elif child.block_type == "image":
            yield value.get("caption", ""), False


def _document_heading(document):
    """A document opens with its symbol and date, as a secretary would announce it."""
    date = document.issued_on.strftime("%d/%m/%Y") if document.issued_on else ""
    return f"{document.number}, {date}" if date else document.number


def page_texts(page):
    """``(text, is_heading)`` in reading order for one of ``SPOKEN_PAGE_TYPES``."""
    yield page.title, True
    if isinstance(page, NewsArticle):
        yield page.lead, False
    elif isinstance(page, PartyDocument):
        yield _document_heading(page), False
        yield page.summary, False
    yield from _body_texts(page.body)


def page_script(page):
    """The page's ``Segment`` list: normalised, empty texts dropped."""
    segments = []
    for text, heading in page_texts(page):
        spoken = normalise(text or "").strip()
        if spoken:
            segments.append(Segment(spoken, HEADING_PAUSE_MS if heading else PARAGRAPH_PAUSE_MS))
    return segments


def voice_settings():
    """What, besides the words, decides the sound of the file."""
    return (
        settings.READALOUD_VOICE,
        settings.READALOUD_WORDS_PER_MINUTE,
        settings.READALOUD_BITRATE,
    )


def script_hash(segments):
    digest = hashlib.sha256(repr(voice_settings()).encode())
    for segment in segments:
        digest.update(f"{segment.pause_ms}|{segment.text}\n".encode())
    return digest.hexdigest()


# espeak-ng 1.51's Vietnamese voice crashes (a segmentation fault) on some long
# runs of words joined by hyphens ("ki-lô-mét"); spoken, a space is the same.
_JOINING_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def ssml(segments):
    """The segments as SSML for ``espeak-ng -m``: each followed by its pause."""
    parts = (
        f'{escape(_JOINING_HYPHEN.sub(" ", s.text))}<break time="{s.pause_ms}ms"/>'
        for s in segments
    )
    return "<speak>" + "".join(parts) + "</speak>"


def chunks(segments, max_chars):
    """Segments grouped into runs of at most ``max_chars`` characters (a longer
    segment is cut at sentence ends, or at ``max_chars`` when it has none), so
    that a long text is made piece by piece and still plays as one file."""
    run, size = [], 0
    for segment in _split_long(segments, max_chars):
        if run and size + len(segment.text) > max_chars:
            yield run
            run, size = [], 0
        run.append(segment)
        size += len(segment.text)
    if run:
        yield run


_SENTENCE_END = re.compile(r"(?<=[.?!;])\s+")


def _split_long(segments, max_chars):
    for segment in segments:
        if len(segment.text) <= max_chars:
            yield segment
            continue
        pieces, current = [], ""
        for sentence in _SENTENCE_END.split(segment.text):
            while len(sentence) > max_chars:
                cut = sentence.rfind(" ", 0, max_chars)
                cut = cut if cut > 0 else max_chars
                pieces.append(sentence[:cut])
                sentence = sentence[cut:].lstrip()
            if current and len(current) + len(sentence) + 1 > max_chars:
                pieces.append(current)
                current = sentence
            else:
                current = f"{current} {sentence}".strip()
        if current:
            pieces.append(current)
        for piece in pieces[:-1]:
            yield Segment(piece, PARAGRAPH_PAUSE_MS // 3)
        yield Segment(pieces[-1], segment.pause_ms)


def script_text(segments):
    """The script as an editor reads it: one segment per line, a blank line after headings."""
    return "\n".join(s.text + ("\n" if s.is_heading else "") for s in segments).strip()
