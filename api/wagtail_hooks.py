"""The document download checks the same audience as the API."""

from django.http import Http404
from wagtail import hooks

from .authentication import BearerTokenAuthentication
from .visibility import visible_documents


def _caller(request):
    """The session's user, or the reader app's (``Authorization: Bearer``)."""
    if request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer "):
        try:
            signed_in = BearerTokenAuthentication().authenticate(request)
        except Exception:  # a bad token downloads nothing more than no token
            signed_in = None
        if signed_in:
            return signed_in[0]
    return request.user


@hooks.register("before_serve_document")
def refuse_documents_behind_unreadable_pages(document, request):
    """``/documents/<id>/<name>`` for a file attached only to pages the caller may
    not read answers 404, as if the file did not exist."""
    if not visible_documents(_caller(request)).filter(pk=document.pk).exists():
        raise Http404


@hooks.register("register_admin_urls")
def register_sign_in_help():
    from django.urls import path

    from .admin_views import member_sign_in

    return [path("members/<int:member_id>/sign-in/", member_sign_in, name="api_member_sign_in")]
