"""The site's URLs plus the unmodified Wagtail API v2 pages endpoint, for the
API benchmark only (``cms.settings.benchmark`` makes this the URLconf)."""

from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from cms.urls import urlpatterns as site_urlpatterns

stock = WagtailAPIRouter("stock_api")
stock.register_endpoint("pages", PagesAPIViewSet)

urlpatterns = [path("api/stock/v2/", stock.urls), *site_urlpatterns]
