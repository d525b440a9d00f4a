"""What an uploaded file is, judged by its content, and the text inside it.

Party documents are attached as PDF, Word (DOCX) or photos of printed or
handwritten pages; a lesson may carry a recording of a person reading it
(MP3, M4A/AAC, Ogg/Opus or WAV), uploaded to the same document library. A
file's name says nothing reliable about it, so uploads are checked by their
first bytes (and, for images, by Pillow) rather than by extension. Reading
text is best effort: a photo, a scanned PDF without a text layer or a
damaged file is kept and reported as unreadable, never refused here (a
recording has no text, and is not reported). Pure logic over file
objects, with no models, so that the upload form, the page form and the
extraction task share it.

Files come from outside, so their cost is bounded before anything is decoded:
a DOCX is a zip whose members may unpack to gigabytes (a "zip bomb"), an image
of a few KB may hold hundreds of millions of pixels. Uploads over the limits
are refused with a message for the editor (``check_uploaded_file``); text
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
    MP3 = "mp3"
    M4A = "m4a"  # AAC (or ALAC) in an MP4 container
    AAC = "aac"  # raw AAC in ADTS frames
    OGG = "ogg"  # Ogg: Opus or Vorbis
    WAV = "wav"

    IMAGES = frozenset({JPEG, PNG, WEBP})
    AUDIO = frozenset({MP3, M4A, AAC, OGG, WAV})
    #: What a party document attaches: texts and photos of pages, no sound.
    ATTACHMENTS = frozenset({PDF, DOCX}) | IMAGES
    #: What the document library takes: attachments and lessons' recordings.
    UPLOADS = ATTACHMENTS | AUDIO


# The kind a file name's extension promises; the content must keep the promise,
# or browsers and readers' apps would be served one thing labelled as another.
KIND_BY_EXTENSION = {
    "pdf": FileKind.PDF,
    "docx": FileKind.DOCX,
    "jpg": FileKind.JPEG,
    "jpeg": FileKind.JPEG,
    "png": FileKind.PNG,
    "webp": FileKind.WEBP,
    "mp3": FileKind.MP3,
    "m4a": FileKind.M4A,
    "aac": FileKind.AAC,
    "ogg": FileKind.OGG,
    "oga": FileKind.OGG,
    "opus": FileKind.OGG,
    "wav": FileKind.WAV,
}
# Kinds an extension may also hold: ".aac" is used for raw ADTS and for AAC in MP4.
OTHER_KINDS_BY_EXTENSION = {"aac": frozenset({FileKind.M4A})}
# The brands of an MP4 ``ftyp`` box that audio files carry.
MP4_AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"iso2", b"dash"})


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
    "unsupported_upload": _(
        "“%(name)s” is not a PDF, a Word (DOCX) file, a JPEG, PNG or WEBP image, or a "
        "sound recording (MP3, M4A, AAC, Ogg, Opus or WAV). Only these files can be "
        "uploaded; check the file and upload it again."
    ),
    "audio_attachment": _(
        "“%(name)s” is a sound recording. A party document attaches only PDF, Word "
        "(DOCX) files or photos; a recording belongs in a lesson's audio."
    ),
    "mismatch": _(
        "“%(name)s” is named as a %(expected)s file, but it is really a %(actual)s file. "
        "Give it the right name, or convert it, and upload it again."
    ),
    "too_large": _("“%(name)s” is too big (%(size)s). The largest file allowed is %(limit)s."),
    "too_large_recording": _(
        "“%(name)s” is too big (%(size)s). The largest recording allowed is %(limit)s."
    ),
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


def _is_mp3_frame(head):
    """An MPEG audio frame header: 11 sync bits, a known version, layer III,
    a bitrate other than "bad" and a known sample rate."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate, sample_rate = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer == 0b01 and bitrate != 0b1111 and sample_rate != 0b11


def audio_kind(head):
    """``FileKind`` of a sound recording judged by its first bytes, or None."""
    if head.startswith(b"ID3") or _is_mp3_frame(head):
        return FileKind.MP3
    if head[4:8] == b"ftyp" and head[8:12] in MP4_AUDIO_BRANDS:
        return FileKind.M4A
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return FileKind.AAC  # ADTS sync word with layer 0: 0xFFF1, 0xFFF9 (0xFFF0/8 with CRC)
    if head.startswith(b"OggS"):
        return FileKind.OGG
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return FileKind.WAV
    return None


def detect_kind(fileobj):
    """``FileKind`` of a binary file object judged by content, or ``None``."""
    head = _read_head(fileobj)
    if head.startswith(b"%PDF-"):
        return FileKind.PDF
    if head.startswith(b"PK\x03\x04") and _is_docx(fileobj):
        return FileKind.DOCX
    return audio_kind(head) or _image_kind(fileobj, head)


def kinds_named(name):
    """The kinds a file name's extension promises (empty without one)."""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    kind = KIND_BY_EXTENSION.get(extension)
    return ({kind} if kind else set()) | OTHER_KINDS_BY_EXTENSION.get(extension, set())


def max_upload_size(kind=None):
    """The largest file of ``kind`` accepted, in bytes (None: no limit):
    ``READALOUD_RECORDING_MAX_BYTES`` for recordings, else Wagtail's limit for
    documents (``WAGTAILDOCS_MAX_UPLOAD_SIZE``)."""
    documents = getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None)
    if kind in FileKind.AUDIO:
        return getattr(settings, "READALOUD_RECORDING_MAX_BYTES", documents)
    return documents


def _check_size(name, size, kind):
    """Refuse a file over its kind's limit; the message names the file and the limit."""
    limit = max_upload_size(kind)
    if limit is not None and size is not None and size > limit:
        raise ValidationError(
            MESSAGES["too_large_recording" if kind in FileKind.AUDIO else "too_large"],
            code="too_large",
            params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
        )


def check_attachment_file(fileobj, name, size=None):
    """Raise ``ValidationError`` unless the file is one a party document
    attaches (PDF, DOCX, photo), named for what it is, within the size limits
    (bytes; a DOCX unpacked; an image's pixels). Returns the ``FileKind``."""
    return check_uploaded_file(fileobj, name, size, kinds=FileKind.ATTACHMENTS)


def check_uploaded_file(fileobj, name, size=None, *, kinds=FileKind.UPLOADS):
    """Raise ``ValidationError`` unless the file is one of ``kinds`` (by
    default anything the document library takes, recordings included), named
    for what it is, within its kind's limits. Returns the ``FileKind``.

    The size is checked before anything costly is read: recordings, known by
    their first bytes, against their own limit, everything else against the
    documents' limit."""
    size = fileobj.size if size is None else size
    _check_size(name, size, audio_kind(_read_head(fileobj)))
    kind = detect_kind(fileobj)
    if kind is None:
        message = "unsupported" if kinds == FileKind.ATTACHMENTS else "unsupported_upload"
        raise ValidationError(MESSAGES[message], code="unsupported", params={"name": name})
    expected = kinds_named(name)
    if kind not in expected:
        raise ValidationError(
            MESSAGES["mismatch"],
            code="mismatch",
            params={
                "name": name,
                "expected": "/".join(sorted(expected)).upper() or "?",
                "actual": kind.upper(),
            },
        )
    if kind not in kinds:
        code = "audio_attachment" if kind in FileKind.AUDIO else "unsupported"
        raise ValidationError(MESSAGES[code], code=code, params={"name": name})
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


#: What a sound recording gives: no text, and nothing wrong with it.
NO_TEXT_IN_RECORDING = Extraction(readable=True)


def extract_text(fileobj):
    """Read the text of a PDF or DOCX; anything else, or a file with no text
    to read, gives an unreadable ``Extraction`` with the reason (in English,
    for the logs and the admin).

    A sound recording (a lesson's voice) is recognised by its first bytes
    and not read further: it has no text to search, and that is what it
    should be, so it is read with no text (``NO_TEXT_IN_RECORDING``), not
    flagged to editors as an unreadable scan or a damaged file."""
    head = fileobj.read(SNIFF_SIZE)
    if audio_kind(head) is not None:
        return NO_TEXT_IN_RECORDING
    buffer = io.BytesIO(head + fileobj.read())
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
