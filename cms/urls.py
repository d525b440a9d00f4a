from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from api.media import serve_document, serve_media
from content_types.views.page_chooser import ScopedChosenMultipleView

from .health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Ahead of Wagtail's own view, which names any page by id (content_types).
    path(
        "admin/choose-page/chosen-multiple/",
        require_admin_access(ScopedChosenMultipleView.as_view()),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("api/search/", include("search.urls")),
    path("api/", include("api.urls")),
    # Ahead of Wagtail's own download view: the same checks, then byte ranges or nginx.
    re_path(r"^documents/(\d+)/(.*)$", serve_document, name="document_download"),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# Uploaded files pass the API's audience check (api/media.py), in every setting.
urlpatterns += [path("media/<path:path>", serve_media, name="media")]

# The reader app's service worker and manifest, at the root (reader/).
urlpatterns += [path("", include("reader.urls")), path("", include(wagtail_urls))]

# Errors outside REST framework: JSON under /api/, the Vietnamese page elsewhere.
handler500 = "cms.errors.server_error"
