from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from api.media import serve_media

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("api/search/", include("search.urls")),
    path("api/", include("api.urls")),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# Uploaded files pass the API's audience check (api/media.py), in every setting.
urlpatterns += [re_path(r"^media/(?P<path>.+)$", serve_media, name="media")]

urlpatterns += [path("", include(wagtail_urls))]
