"""Uploaded files behind the same audience rule as the API.

Image originals, their renditions and document files all live under
``MEDIA_ROOT``. A file known only by its address must not bypass the audience
of the pages that use it, so ``/media/`` is answered here, and every request
is resolved to the object the file belongs to before anything is served:

- the address must be the stored name itself, in canonical form: no ``.`` or
  ``..`` segments, no empty segment (``//``), no backslash, NUL or control
  character, and (where the server passes the raw request line, as gunicorn
  does in ``RAW_URI``) no percent-encoded slash, backslash, dot or NUL. A
  file server normalises such addresses to another file than the one
  checked, which is how the audience check was once bypassed;
- the name must be the file of an image, a rendition, a document, a
  page's generated read-aloud audio or a Wagtail admin avatar; anything
  else under the folder is a 404;
- the caller must be allowed to read that object (``visibility.file_readable``);
- the file on disk must be a regular file reached without a symbolic link.

Then the object's own stored name is served. In production the web server
sends the bytes: with ``MEDIA_ACCEL_REDIRECT`` set (e.g.
``/protected-media/``, an nginx ``internal`` location on the media folder)
this view answers with ``X-Accel-Redirect`` to that name, URL-quoted, and
nginx answers ``Range`` requests itself. Without it Django sends the file,
with byte ranges too (``api.ranges``), so that a download broken off on a
weak network resumes where it stopped.

Documents at ``/documents/<id>/<name>`` are checked by the same rule (the
``before_serve_document`` hook in ``api.wagtail_hooks``) and sent the same way
by ``serve_document``.
"""

import mimetypes
import re
from collections.abc import Callable
from functools import partial
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from wagtail import hooks
from wagtail.documents import get_document_model
from wagtail.documents.models import document_served
from wagtail.images import get_image_model
from wagtail.users.models import UserProfile

from readaloud.models import AUDIO_FOLDER, PageAudio

from .authentication import request_user
from .ranges import file_response
from .storage import safe_local_path
from .visibility import audio_readable, file_readable

# A slash, backslash, dot or NUL hidden behind percent-encoding in the raw address.
_ENCODED_SEPARATOR = re.compile(r"%(2f|5c|2e|00)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def canonical_name(request, path):
    """``path`` (the decoded address after ``/media/``) when it is a stored
    name in canonical form, else None."""
    if _CONTROL.search(path) or any(part in ("", ".", "..") for part in path.split("/")):
        return None
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI") or ""
    if _ENCODED_SEPARATOR.search(urlsplit(raw).path):
        return None
    return path


class StoredFile(NamedTuple):
    name: str  # the owner's own ``file.name``: what is served
    may_read: Callable  # may_read(user) -> bool


def _library_file(model, rows):
    """``rows``: ``(image or document id, file name)`` of the file, if any."""
    row = rows.first()
    if row is None:
        return None
    pk, name = row
    return StoredFile(name, partial(file_readable, model=model, pk=pk))


def _image_file(name):
    images = get_image_model().objects.filter(file=name)
    return _library_file(get_image_model(), images.values_list("pk", "file"))


def _rendition_file(name):
    renditions = get_image_model().get_rendition_model().objects.filter(file=name)
    return _library_file(get_image_model(), renditions.values_list("image_id", "file"))


def _document_file(name):
    documents = get_document_model().objects.filter(file=name)
    return _library_file(get_document_model(), documents.values_list("pk", "file"))


def _admin_user(user):
    return user.is_authenticated and user.has_perm("wagtailadmin.access_admin")


def _avatar_file(name):
    """Avatars are shown across the Wagtail admin, so to its users only."""
    avatar = UserProfile.objects.filter(avatar=name).values_list("avatar", flat=True).first()
    return StoredFile(avatar, _admin_user) if avatar else None


def _audio_file(name):
    """Generated read-aloud audio: as readable as the pages read with it."""
    page_ids = list(PageAudio.objects.filter(file=name).values_list("page_id", flat=True))
    return StoredFile(name, partial(audio_readable, page_ids=page_ids)) if page_ids else None


# The folders files are uploaded to, and how to find the owner of a file there.
_OWNERS = {
    "original_images": _image_file,
    "images": _rendition_file,
    "documents": _document_file,
    "avatar_images": _avatar_file,
    AUDIO_FOLDER: _audio_file,
}


def stored_file(name):
    """The ``StoredFile`` of the object the file ``name`` belongs to; None
    when it belongs to none."""
    find = _OWNERS.get(name.split("/", 1)[0])
    return find(name) if find else None


def stored_file_response(request, name, content_type="", etag=None):
    """The answer that sends the stored file ``name``, once the caller is known
    to be allowed to read it: ``X-Accel-Redirect`` to the web server when
    ``MEDIA_ACCEL_REDIRECT`` is set, else the bytes from disk, by range when
    asked. A file that is not safe to hand out (``safe_local_path``) is a 404.

    ``content_type``: the type to announce; empty, the web server (or, from
    disk, the file name) decides. ``etag``: the file's content hash, if known."""
    path = safe_local_path(name)
    if path is None:
        raise Http404
    prefix = settings.MEDIA_ACCEL_REDIRECT
    if prefix:
        response = HttpResponse()
        response["X-Accel-Redirect"] = prefix + quote(name, safe="/")
        response["Content-Type"] = content_type
        return response
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return file_response(request, path, content_type or guessed, etag)


def document_response(request, document):
    """What ``/documents/<id>/<name>`` answers once every check has passed:
    the file with the document's own type and download name (shown in the
    browser for the types Wagtail opens inline, PDF, else saved), never run as
    a page of this site; the headers Wagtail's own view sends."""
    document_served.send(sender=type(document), instance=document, request=request)
    response = stored_file_response(
        request, document.file.name, document.content_type, document.file_hash or None
    )
    attachment = document.content_disposition != "inline"
    response["Content-Disposition"] = content_disposition_header(attachment, document.filename)
    if getattr(settings, "WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT", True):
        response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serve_document(request, document_id, document_filename):
    """``/documents/<id>/<name>`` in place of Wagtail's view, with the same
    checks in the same order: the name must be the document's own, then every
    ``before_serve_document`` hook (the audience check in ``api.wagtail_hooks``,
    Wagtail's collection restrictions) may refuse or answer instead. Wagtail's
    own view cannot send a file by byte ranges, and sent a literal
    ``Content-Encoding: None``."""
    document = get_object_or_404(get_document_model(), id=document_id)
    if document.filename != document_filename:
        raise Http404
    for check in hooks.get_hooks("before_serve_document"):
        answer = check(document, request)
        if isinstance(answer, HttpResponse):
            return answer
    return document_response(request, document)


def serve_media(request, path):
    name = canonical_name(request, path)
    found = stored_file(name) if name else None
    if found is None or not found.may_read(request_user(request)):
        raise Http404
    return stored_file_response(request, found.name)
