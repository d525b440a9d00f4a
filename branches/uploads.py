"""Files a branch's secretaries upload for a meeting (PDF, DOCX, phone
photos), the one path the reader API and the admin share.

A file is checked by its content (``content_types.extraction``) and kept as
a Wagtail document in the branch's nearest media collection. A phone photo
in HEIC or HEIF (an iPhone's default) is converted to JPEG first, as
readers' browsers and phones do not all open HEIC; the JPEG carries no
metadata (no place, no camera), only the picture, turned the way it was
taken.
"""

import io
from pathlib import PurePosixPath

import pillow_heif
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model
from wagtail.models import Collection

from content_types.extraction import (
    FileKind,
    check_uploaded_file,
    max_image_pixels,
    max_upload_size,
)
from editorial.models import Unit

# The ``ftyp`` brands of HEIF stills: HEVC-coded (heic, heix, heim, heis) and
# the generic image brand (mif1) phones put first or alone.
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
JPEG_QUALITY = 85

NOT_A_PHOTO = _("“%(name)s” looks like a HEIC photo but cannot be read. Take or export it again.")
NOT_AN_IMAGE = _("“%(name)s” is not a photo. Send the minutes as JPEG, PNG, WEBP or HEIC photos.")
TOO_LARGE = _("“%(name)s” is too big (%(size)s). The largest file allowed is %(limit)s.")
TOO_MANY_PIXELS = _(
    "“%(name)s” is %(pixels)s pixels, more than %(limit)s million. Send a smaller photo."
)


def is_heif(fileobj):
    """Whether the file starts as a HEIF still image does (an ISO ``ftyp`` box)."""
    position = fileobj.tell()
    fileobj.seek(0)
    head = fileobj.read(12)
    fileobj.seek(position)
    return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


def reader_file(uploaded):
    """``uploaded`` itself, or for a HEIC/HEIF photo a JPEG file named after it."""
    if not is_heif(uploaded):
        return uploaded
    name = uploaded.name or "photo.heic"
    limit = max_upload_size()
    if limit is not None and uploaded.size > limit:
        sizes = {"size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
        raise ValidationError(TOO_LARGE, code="too_large", params={"name": name, **sizes})
    uploaded.seek(0)
    try:
        heif = pillow_heif.open_heif(io.BytesIO(uploaded.read()), convert_hdr_to_8bit=True)
        width, height = heif.size
        pixels = max_image_pixels()
        if pixels is not None and width * height > pixels:
            raise ValidationError(
                TOO_MANY_PIXELS,
                code="too_many_pixels",
                params={"name": name, "pixels": f"{width} × {height}", "limit": pixels // 10**6},
            )
        image = heif.to_pillow().convert("RGB")
    except (ValueError, OSError, RuntimeError):
        raise ValidationError(NOT_A_PHOTO, code="unsupported", params={"name": name}) from None
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(out.getvalue(), name=f"{PurePosixPath(name).stem or 'photo'}.jpg")


def media_collection(branch):
    """The branch's media collection, or its nearest ancestor's, or the root."""
    unit = (
        Unit.objects.filter(path__in=branch.ancestor_paths(), collection__isnull=False)
        .select_related("collection")
        .order_by("-depth")
        .first()
    )
    return unit.collection if unit else Collection.get_first_root_node()


def material_document(uploaded, title, meeting, user, *, kinds=FileKind.ATTACHMENTS):
    """A Wagtail document for an uploaded material of ``meeting``. Raises
    ``ValidationError`` (its message names the file) for a file that is not
    one of ``kinds`` (by default a PDF, a DOCX, or a JPEG, PNG, WEBP or HEIC
    photo), or is too big."""
    original_name = uploaded.name
    uploaded = reader_file(uploaded)
    check_uploaded_file(uploaded, uploaded.name, kinds=kinds)
    document = get_document_model()(
        title=title or original_name,
        file=uploaded,
        collection=media_collection(meeting.branch),
        uploaded_by_user=user,
    )
    document.save()
    return document


def minutes_photo_document(uploaded, meeting, user):
    """A photo of the minutes (JPEG, PNG, WEBP or HEIC) as a Wagtail document."""
    try:
        return material_document(uploaded, "", meeting, user, kinds=FileKind.IMAGES)
    except ValidationError as error:
        if error.code != "unsupported":
            raise
        params = {"name": uploaded.name}
        raise ValidationError(NOT_AN_IMAGE, code="unsupported", params=params) from None
