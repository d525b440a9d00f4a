"""A web process made ready before its first request.

Django loads some things on first use: the first request imports the URL
configuration (every app's ``urls`` module, Wagtail's admin among them), the
first use of a cache imports its backend (``cms.cache`` and the redis client),
the first ``reverse()`` in a language builds that language's reverse lookup
tables, and a language's translation catalogs are read when it is first
activated. And the first requests of a process that has just imported some
250,000 objects set off Python's first full garbage collection, which walks
them all. A fresh web worker (at start, after a deploy or a restart, and each
time gunicorn recycles one after ``max_requests``) made its first caller pay
for all of it: 0.15 to 0.5 s on an idle 2-core server, 0.6 to 1.2 s while the
cores were busy, against 10 to 40 ms for the next request. The stack test's
search outage scenario found it: in each web worker the first search, and only
that one, was slow, whatever the engine did.

``cms.wsgi`` calls ``warm_up`` when a server loads the application, before
the process takes a request.
"""

import gc

from django.conf import settings
from django.core.cache import caches
from django.urls import get_resolver
from django.utils import translation


def warm_up():
    """Import the URL configuration and every cache backend; build, for every
    language of ``LANGUAGES``, the reverse lookup tables and translation
    catalogs; then collect the garbage of the start once and freeze what is
    left. Nothing connects: the database and Redis may be down at start.

    What a process holds after its start (modules, classes, URL tables,
    catalogs) lives as long as it does; frozen (``gc.freeze``), a later full
    collection, set off by whichever request comes then, no longer walks it.
    """
    for alias in settings.CACHES:
        caches[alias]  # the backend object; it connects on its first call
    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            len(resolver.reverse_dict)  # built on first use, once per language
    gc.collect()
    gc.freeze()
