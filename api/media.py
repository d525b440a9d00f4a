"""Uploaded files behind the same audience rule as the API.

Image originals, their renditions and document files all live under
``MEDIA_ROOT``. A file known only by its address must not bypass the audience
of the pages that use it, so ``/media/`` is answered here: a file used only on
pages the caller may not read is a 404, as in the API. In production the web
server sends the bytes: with ``MEDIA_ACCEL_REDIRECT`` set (e.g.
``/protected-media/``, an nginx ``internal`` location on the media folder)
this view answers with ``X-Accel-Redirect`` after the check.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.static import serve
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.permissions import policy_registry

from .visibility import visible_documents, visible_images
from .wagtail_hooks import _caller


def _guard(path):
    """``(queryset of the visible kind, object id)`` for a file of an image or a
    document; None for other files (static uploads nobody restricts)."""
    if path.startswith("original_images/"):
        image = get_image_model().objects.filter(file=path).values_list("pk", flat=True)
        return visible_images, image.first()
    if path.startswith("images/"):
        rendition = get_image_model().get_rendition_model().objects.filter(file=path)
        return visible_images, rendition.values_list("image_id", flat=True).first()
    if path.startswith("documents/"):
        document = get_document_model().objects.filter(file=path).values_list("pk", flat=True)
        return visible_documents, document.first()
    return None


def _editor_may_use(user, visible, pk):
    """Editors see the files of their collections in the admin (thumbnails,
    choosers) whatever the audience of the pages using them."""
    if not (user.is_authenticated and user.has_perm("wagtailadmin.access_admin")):
        return False
    model = get_image_model() if visible is visible_images else get_document_model()
    return policy_registry.get_by_type(model).user_has_any_permission_for_instance(
        user, ["choose", "change"], model.objects.get(pk=pk)
    )


def serve_media(request, path):
    guard = _guard(path)
    if guard is not None:
        visible, pk = guard
        caller = _caller(request)
        if pk is None or not (
            visible(caller).filter(pk=pk).exists() or _editor_may_use(caller, visible, pk)
        ):
            raise Http404
    prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    if prefix:
        response = HttpResponse()
        response["X-Accel-Redirect"] = prefix + path
        response["Content-Type"] = ""  # the web server sets it from the file
        return response
    return serve(request, path, document_root=settings.MEDIA_ROOT)
