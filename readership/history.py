"""A member's own reading history: the items they opened, newest day first.

Only items they may still read are listed; which those are is the caller's
to say (the API passes its audience rule: ``api.visibility.readable_pages``),
so an item whose audience no longer includes the member, or that was
unpublished, drops out of the history without being forgotten.
"""

from django.db.models import F

from .models import ItemRead


def reading_history(user, readable_pages):
    """``user``'s reads among ``readable_pages`` (a page queryset), newest day
    first: dicts of ``page_id``, ``title``, ``content_type_id`` and ``day``."""
    return (
        ItemRead.objects.filter(user=user, page__in=readable_pages.values("pk"))
        .order_by("-day", "-first_at", "-pk")
        .values("page_id", "day", title=F("page__title"), content_type_id=F("page__content_type"))
    )
