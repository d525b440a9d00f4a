"""What an attached file is, judged by its content, and the text inside it.

Party documents are attached as PDF, Word (DOCX) or photos of printed or
handwritten pages. A file's name says nothing reliable about it, so uploads
are checked by their first bytes (and, for images, by Pillow) rather than by
extension. Reading text is best effort: a photo, a scanned PDF without a text
layer or a damaged file is kept and reported as unreadable, never refused
here. Pure logic over file objects, with no models, so that the upload form,
the page form and the extraction task share it.

Files come from outside, so their cost is bounded before anything is decoded:
a DOCX is a zip whose members may unpack to gigabytes (a "zip bomb"), an image
of a few KB may hold hundreds of millions of pixels. Uploads over the limits
are refused with a message for the editor (``check_attachment_file``); text
extraction stops at the same limits and at a page, text and time budget,
and reports the file as unreadable rather than keeping half of its text.
"""

import io
import logging
import time
import zipfile
from dataclasses import dataclass

from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pypdf import PdfReader


class FileKind:
    PDF = "pdf"
    DOCX = "docx"
    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"

    IMAGES = frozenset({JPEG, PNG, WEBP})


# The kind a file name's extension promises; the content must keep the promise,
# or browsers and readers' apps would be served one thing labelled as another.
KIND_BY_EXTENSION = {
    "pdf": FileKind.PDF,
    "docx": FileKind.DOCX,
    "jpg": FileKind.JPEG,
    "jpeg": FileKind.JPEG,
    "png": FileKind.PNG,
    "webp": FileKind.WEBP,
}


logger = logging.getLogger(__name__)

DOCX_BODY = "word/document.xml"
# A DOCX whose text body unzips to more than this (a 1,000-page report is
# about 5 MB) or whose members unzip to more than MAX_DOCX_UNPACKED_SIZE in
# all is refused: parsing it would hold a worker for seconds and hundreds of MB.
MAX_DOCX_XML_SIZE = 16 * 1024 * 1024
MAX_DOCX_UNPACKED_SIZE = 64 * 1024 * 1024
# Word's own files shrink at most ~20 times; bombs are made of repeated bytes
# that shrink hundreds of times. Checked on archives above a megabyte unpacked.
MAX_DOCX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
# Extraction budget (per file): pages read, characters kept, seconds spent.
# The time is checked between pages and paragraphs.
MAX_PDF_PAGES = 2000
MAX_TEXT_LENGTH = 2_000_000
EXTRACTION_SECONDS = 20
# Enough of the start of a file to recognise every accepted kind.
SNIFF_SIZE = 16

_WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

MESSAGES = {
    "unsupported": _(
        "“%(name)s” is not a PDF, a Word (DOCX) file or a JPEG, PNG or WEBP image. "
        "Only these files can be attached; check the file and upload it again."
    ),
    "mismatch": _(
        "“%(name)s” is named as a %(expected)s file, but it is really a %(actual)s file. "
        "Give it the right name, or convert it, and upload it again."
    ),
    "too_large": _("“%(name)s” is too big (%(size)s). The largest file allowed is %(limit)s."),
    "too_packed": _(
        "“%(name)s” unpacks to %(size)s, far more than a Word document of this size "
        "holds; it may be damaged. Open it in Word, save it again (or save it as PDF) "
        "and upload it again."
    ),
    "too_many_pixels": _(
        "“%(name)s” is an image of %(pixels)s pixels; the largest image allowed has "
        "%(limit)s million pixels. Make it smaller and upload it again."
    ),
}


class TooCostly(Exception):
    """Reading the file would go over one of the limits above."""


@dataclass(frozen=True, slots=True)
class Extraction:
    """What reading a file gave: ``text`` when ``readable``, else a ``problem``."""

    readable: bool
    text: str = ""
    problem: str = ""


def _read_head(fileobj, size=SNIFF_SIZE):
    position = fileobj.tell()
    fileobj.seek(0)
    head = fileobj.read(size)
    fileobj.seek(position)
    return head


def _image_kind(fileobj, head):
    if head.startswith(b"\xff\xd8\xff"):
        kind = FileKind.JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = FileKind.PNG
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = FileKind.WEBP
    else:
        return None
    position = fileobj.tell()
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as image:
            image.verify()
    except Image.DecompressionBombError:
        return kind  # a real image, refused for its size by _check_pixels
    except Exception:  # Pillow raises many kinds for damaged images
        return None
    finally:
        fileobj.seek(position)
    return kind


def max_image_pixels():
    """Wagtail's limit for images, applied to image attachments as well."""
    return getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", None)


def _check_pixels(fileobj, name):
    """Refuse an image with more pixels than allowed; reads the header only."""
    limit = max_image_pixels()
    if limit is None:
        return
    position = fileobj.tell()
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as image:
            pixels = f"{image.width} × {image.height}"
            too_many = image.width * image.height > limit
    except Image.DecompressionBombError:
        # Over twice Pillow's own limit, far above ours: Pillow won't say the size.
        pixels, too_many = f"> {2 * Image.MAX_IMAGE_PIXELS}", True
    finally:
        fileobj.seek(position)
    if too_many:
        raise ValidationError(
            MESSAGES["too_many_pixels"],
            code="too_many_pixels",
            params={"name": name, "pixels": pixels, "limit": f"{limit / 1_000_000:g}"},
        )


def _docx_bomb_size(fileobj):
    """The unpacked size of a DOCX that would unpack to far more than it weighs
    (a zip bomb), or None for an ordinary one.

    Reads the zip's directory only; the sizes it declares are also what
    ``zipfile`` lets out of each member, so a lying directory gains nothing.
    """
    position = fileobj.tell()
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
            body = archive.getinfo(DOCX_BODY).file_size
    finally:
        fileobj.seek(position)
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if (
        body > MAX_DOCX_XML_SIZE
        or unpacked > MAX_DOCX_UNPACKED_SIZE
        or (unpacked > RATIO_FLOOR and unpacked > MAX_DOCX_RATIO * max(packed, 1))
    ):
        return unpacked
    return None


def _check_docx_size(fileobj, name):
    unpacked = _docx_bomb_size(fileobj)
    if unpacked is not None:
        raise ValidationError(
            MESSAGES["too_packed"],
            code="too_packed",
            params={"name": name, "size": filesizeformat(unpacked)},
        )


def _is_docx(fileobj):
    position = fileobj.tell()
    try:
        fileobj.seek(0)
        with zipfile.ZipFile(fileobj) as archive:
            return DOCX_BODY in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        fileobj.seek(position)


def detect_kind(fileobj):
    """``FileKind`` of a binary file object judged by content, or ``None``."""
    head = _read_head(fileobj)
    if head.startswith(b"%PDF-"):
        return FileKind.PDF
    if head.startswith(b"PK\x03\x04") and _is_docx(fileobj):
        return FileKind.DOCX
    return _image_kind(fileobj, head)


def max_upload_size():
    return getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None)


def check_attachment_file(fileobj, name, size=None):
    """Raise ``ValidationError`` unless the file is an accepted kind, named for
    what it is, within the size limits (bytes; a DOCX unpacked; an image's
    pixels). Returns the ``FileKind``."""
    limit = max_upload_size()
    size = fileobj.size if size is None else size
    if limit is not None and size is not None and size > limit:
        raise ValidationError(
            MESSAGES["too_large"],
            code="too_large",
            params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    kind = detect_kind(fileobj)
    if kind is None:
        raise ValidationError(MESSAGES["unsupported"], code="unsupported", params={"name": name})
    expected = KIND_BY_EXTENSION.get(name.rpartition(".")[2].lower()) if "." in name else None
    if expected != kind:
        raise ValidationError(
            MESSAGES["mismatch"],
            code="mismatch",
            params={
                "name": name,
                "expected": (expected or "?").upper(),
                "actual": kind.upper(),
            },
        )
    if kind == FileKind.DOCX:
        _check_docx_size(fileobj, name)
    elif kind in FileKind.IMAGES:
        _check_pixels(fileobj, name)
    return kind


class _Budget:
    """Collects text pieces and raises ``TooCostly`` past the text or time budget."""

    def __init__(self):
        self.deadline = time.monotonic() + EXTRACTION_SECONDS
        self.length = 0
        self.pieces = []

    def add(self, text):
        self.length += len(text) + 1
        if self.length > MAX_TEXT_LENGTH:
            raise TooCostly(f"more than {MAX_TEXT_LENGTH} characters of text")
        if time.monotonic() > self.deadline:
            raise TooCostly(f"reading took more than {EXTRACTION_SECONDS} s")
        self.pieces.append(text)

    def text(self):
        return "\n".join(self.pieces)


def _pdf_text(fileobj):
    reader = PdfReader(fileobj)
    if len(reader.pages) > MAX_PDF_PAGES:
        raise TooCostly(f"{len(reader.pages)} pages, more than {MAX_PDF_PAGES}")
    budget = _Budget()
    for page in reader.pages:
        budget.add(page.extract_text() or "")
    return budget.text()


def _docx_text(fileobj):
    """The paragraphs of a DOCX body, parsed as a stream (flat memory) by
    defusedxml (no entity expansion, no DTD fetch)."""
    unpacked = _docx_bomb_size(fileobj)
    if unpacked is not None:
        raise TooCostly(f"unpacks to {unpacked} bytes")
    budget = _Budget()
    with zipfile.ZipFile(fileobj) as archive, archive.open(DOCX_BODY) as body:
        for _event, element in iterparse(body, events=("end",)):
            if element.tag == f"{_WORD_NS}p":
                budget.add(_paragraph_text(element))
                element.clear()
    return budget.text()


def _paragraph_text(paragraph):
    parts = []
    for node in paragraph.iter():
        if node.tag == f"{_WORD_NS}t":
            parts.append(node.text or "")
        elif node.tag == f"{_WORD_NS}tab":
            parts.append("\t")
        elif node.tag in (f"{_WORD_NS}br", f"{_WORD_NS}cr"):
            parts.append("\n")
    return "".join(parts)


_READERS = {FileKind.PDF: _pdf_text, FileKind.DOCX: _docx_text}


def extract_text(fileobj):
    """Read the text of a PDF or DOCX; anything else, or a file with no text
    to read, gives an unreadable ``Extraction`` with the reason (in English,
    for the logs and the admin)."""
    data = fileobj.read()
    buffer = io.BytesIO(data)
    kind = detect_kind(buffer)
    reader = _READERS.get(kind)
    if reader is None:
        problem = "image: no text layer" if kind in FileKind.IMAGES else "unsupported file"
        return Extraction(readable=False, problem=problem)
    try:
        text = reader(buffer)
    except TooCostly as error:
        # Bombs are refused at upload; files stored before the limits, or
        # lowered limits, end here. Nothing of the text is kept.
        logger.warning("Text of a %s file not read, too costly: %s", kind, error)
        return Extraction(readable=False, problem=f"{kind} too large to read: {error}"[:255])
    except Exception as error:  # damaged files fail in many ways inside the readers
        return Extraction(readable=False, problem=f"cannot read {kind}: {error}"[:255])
    text = text.replace("\x00", "").strip()
    if not text:
        return Extraction(readable=False, problem=f"{kind}: no text found (scanned?)")
    return Extraction(readable=True, text=text)
