"""The site's URLs plus two views that fail, for the error-page tests."""

from django.urls import path

from cms.urls import handler500
from cms.urls import urlpatterns as site_urlpatterns


class ViewFailure(RuntimeError):
    """What the failing views raise."""


def failing_view(request):
    raise ViewFailure("the view failed on purpose")


urlpatterns = [
    path("failing-page/", failing_view),
    path("api/failing/", failing_view),
    *site_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]
