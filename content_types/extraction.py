"""What an attached file is, judged by its content, and the text inside it.

Party documents are attached as PDF, Word (DOCX) or photos of printed or
handwritten pages. A file's name says nothing reliable about it, so uploads
are checked by their first bytes (and, for images, by Pillow) rather than by
extension. Reading text is best effort: a photo, a scanned PDF without a text
layer or a damaged file is kept and reported as unreadable, never refused
here. Pure logic over file objects, with no models, so that the upload form,
the page form and the extraction task share it.
"""

import io
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


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


DOCX_BODY = "word/document.xml"
# A DOCX body larger than this once unzipped is treated as a zip bomb.
MAX_DOCX_XML_SIZE = 64 * 1024 * 1024
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
}


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
    from PIL import Image

    position = fileobj.tell()
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as image:
            image.verify()
    except Exception:  # Pillow raises many kinds for damaged images
        return None
    finally:
        fileobj.seek(position)
    return kind


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
    what it is, within the size limit. Returns the ``FileKind``."""
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
    return kind


def _pdf_text(fileobj):
    from pypdf import PdfReader

    reader = PdfReader(fileobj)
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _docx_text(fileobj):
    with zipfile.ZipFile(fileobj) as archive:
        if archive.getinfo(DOCX_BODY).file_size > MAX_DOCX_XML_SIZE:
            raise ValueError("word/document.xml is too large")
        root = ElementTree.fromstring(archive.read(DOCX_BODY))
    paragraphs = []
    for paragraph in root.iter(f"{_WORD_NS}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{_WORD_NS}t":
                parts.append(node.text or "")
            elif node.tag == f"{_WORD_NS}tab":
                parts.append("\t")
            elif node.tag in (f"{_WORD_NS}br", f"{_WORD_NS}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


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
    except Exception as error:  # damaged files fail in many ways inside the readers
        return Extraction(readable=False, problem=f"cannot read {kind}: {error}"[:255])
    text = text.replace("\x00", "").strip()
    if not text:
        return Extraction(readable=False, problem=f"{kind}: no text found (scanned?)")
    return Extraction(readable=True, text=text)
