"""Images and documents for reader apps: Wagtail API v2, minus files behind pages
the caller may not read (see ``visibility``)."""

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from wagtail.api.v2.filters import FieldsFilter, OrderingFilter
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.serializers import TagsField
from wagtail.api.v2.utils import BadRequestError
from wagtail.documents.api.v2.serializers import DocumentSerializer
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.serializers import ImageSerializer
from wagtail.images.api.v2.views import ImagesAPIViewSet

from .exceptions import ApiError
from .filters import CheckedQueryMixin, RankedSearchFilter, parse_window
from .visibility import visible_documents, visible_images


class WindowPagination(WagtailPagination):
    """Wagtail's listing shape, with ``offset`` and ``limit`` read by ``parse_window``."""

    def paginate_queryset(self, queryset, request, view=None):
        offset, limit = parse_window(request)
        self.view = view
        self.total_count = queryset.count()
        return queryset[offset : offset + limit]


class ScopedFilesMixin(CheckedQueryMixin):
    renderer_classes = [JSONRenderer]
    pagination_class = WindowPagination
    filter_backends = [FieldsFilter, OrderingFilter, RankedSearchFilter]

    def handle_exception(self, exc):
        if isinstance(exc, BadRequestError):
            exc = ApiError("bad_parameter", str(exc))
        elif isinstance(exc, Http404):
            exc = ApiError("not_found", _("Not found."), status_code=404)
        return super().handle_exception(exc)


class PrefetchedTagsField(TagsField):
    """Wagtail's ``tags``, read from the tags prefetched for the whole listing
    (Wagtail's own field queries once per item)."""

    def to_representation(self, value):
        return sorted(tag.name for tag in value.all())


class PrefetchedTagsMixin:
    def build_property_field(self, field_name, model_class):
        field_class, kwargs = super().build_property_field(field_name, model_class)
        return (PrefetchedTagsField if field_class is TagsField else field_class), kwargs


class ReaderImageSerializer(PrefetchedTagsMixin, ImageSerializer):
    pass


class ReaderDocumentSerializer(PrefetchedTagsMixin, DocumentSerializer):
    pass


class ReaderImagesAPIViewSet(ScopedFilesMixin, ImagesAPIViewSet):
    base_serializer_class = ReaderImageSerializer

    def get_queryset(self):
        return visible_images(self.request.user).prefetch_related("tags").order_by("id")


class ReaderDocumentsAPIViewSet(ScopedFilesMixin, DocumentsAPIViewSet):
    base_serializer_class = ReaderDocumentSerializer

    def get_queryset(self):
        return visible_documents(self.request.user).prefetch_related("tags").order_by("id")
