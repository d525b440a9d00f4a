"""Images and documents for reader apps: Wagtail API v2, minus files behind pages
the caller may not read (see ``visibility``)."""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from wagtail.api.v2.utils import BadRequestError
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from .exceptions import ApiError
from .visibility import visible_documents, visible_images


class ScopedFilesMixin:
    renderer_classes = [JSONRenderer]

    def handle_exception(self, exc):
        if isinstance(exc, BadRequestError):
            exc = ApiError("bad_parameter", str(exc))
        elif isinstance(exc, Http404):
            exc = ApiError("not_found", _("Not found."), status_code=404)
        return super().handle_exception(exc)


class ReaderImagesAPIViewSet(ScopedFilesMixin, ImagesAPIViewSet):
    def get_queryset(self):
        return visible_images(self.request.user).order_by("id")


class ReaderDocumentsAPIViewSet(ScopedFilesMixin, DocumentsAPIViewSet):
    def get_queryset(self):
        return visible_documents(self.request.user).order_by("id")
