"""The page chooser's "chosen" answer, scoped like the rest of the chooser.

Wagtail's ``ChosenMultipleView`` answers the title of any page id it is given,
and no hook filters it; ``cms/urls.py`` routes its address here instead, ahead
of the admin's own URLs. Ids outside ``admin_visible_pages`` are dropped.
"""

from wagtail.admin.views.chooser import ChosenMultipleView

from ..wagtail_hooks.scoping import admin_visible_pages


class ScopedChosenMultipleView(ChosenMultipleView):
    def get(self, request):
        wanted = [pk for pk in request.GET.getlist("id") if pk.isdigit()]
        shown = admin_visible_pages(request.user).filter(pk__in=wanted)
        request.GET = request.GET.copy()
        request.GET.setlist("id", [str(pk) for pk in shown.values_list("pk", flat=True)])
        return super().get(request)
