"""Content-Security-Policy for each part of the site (django-csp).

The policy itself is a setting (``CONTENT_SECURITY_POLICY``, or
``CONTENT_SECURITY_POLICY_REPORT_ONLY`` with ``CSP_REPORT_ONLY=1``): scripts,
styles, images, frames and form targets from this site only, no plugins, no
framing by other sites. This middleware adjusts it where a part of the site
needs something else:

- the Wagtail admin (``/admin/``) runs small inline scripts that Wagtail 8
  writes into its pages (inline panels, date pickers) and cannot give a nonce
  to, so it adds ``'unsafe-inline'`` to ``script-src`` there and only there;
- the API's browsable docs (``/api/docs/``) load Swagger UI from its CDN with
  an inline start-up script;
- every other API answer is data, never a page: it gets a policy that allows
  nothing at all.
"""

from csp.constants import NONE, UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings

ADMIN_PREFIX = "/admin/"
API_PREFIX = "/api/"
API_DOCS_PREFIX = "/api/docs/"
SWAGGER_CDN = "https://cdn.jsdelivr.net"

ADMIN_ADDITIONS = {"script-src": [UNSAFE_INLINE]}
API_DOCS_ADDITIONS = {
    "script-src": [SWAGGER_CDN, UNSAFE_INLINE],
    "style-src": [SWAGGER_CDN],
    "img-src": [SWAGGER_CDN],
}
API_POLICY = {
    "default-src": [NONE],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [NONE],
}


def _merged(additions, update):
    merged = {name: list(values) for name, values in (update or {}).items()}
    for name, values in additions.items():
        merged[name] = merged.get(name, []) + list(values)
    return merged


class SitePartsCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with the per-part adjustments above."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        setting = (
            "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
        )
        policy = getattr(settings, setting, None)
        if not policy:
            return parts
        path = request.path_info
        if path.startswith(ADMIN_PREFIX):
            parts.update = _merged(ADMIN_ADDITIONS, parts.update)
        elif path.startswith(API_DOCS_PREFIX):
            parts.update = _merged(API_DOCS_ADDITIONS, parts.update)
        elif path.startswith(API_PREFIX) and parts.config is None:
            report_uri = policy["DIRECTIVES"].get("report-uri")
            parts.config = {**API_POLICY, "report-uri": report_uri}
        return parts
