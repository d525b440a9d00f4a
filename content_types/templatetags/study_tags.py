"""Template tags of the reader site's study pages.

``{% reader_progress page as progress %}`` on a module's page: the reader's
own progress in it (``content_types.study.reader_progress``), or None for
readers who have none to show. Asked from the template rather than from the
page model's context, so the models never import the study service (which
imports them).
"""

from django import template

from ..study import reader_progress as progress_of_reader

register = template.Library()


@register.simple_tag(takes_context=True)
def reader_progress(context, module):
    request = context.get("request")
    user = getattr(request, "user", None)
    return progress_of_reader(user, module)
