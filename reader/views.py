"""The reader app's own addresses: the service worker and the web app manifest.

The app itself starts from the site's home page (``{% reader_app %}`` in the
home template), whose plain HTML stays as the page for browsers without
JavaScript and for search engines.
"""

from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .build import service_worker_source

THEME_COLOUR = "#a50e0e"


@require_safe
def service_worker(request):
    """``/sw.js``: at the root, so that it may control the whole site; never
    cached by the browser's HTTP cache, so a new build reaches members."""
    response = HttpResponse(service_worker_source(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def manifest(request):
    """``/manifest.webmanifest``: what makes the app installable."""
    data = {
        "name": _("Party member handbook"),
        "short_name": _("Handbook"),
        "lang": "vi",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static(f"reader/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ]
        + [
            {
                "src": static("reader/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response
