"""WSGI entry point; production sets DJANGO_SETTINGS_MODULE=cms.settings.production.

The application is warmed up as it is loaded (``cms.warmup``): each web
worker builds its URL tables and reads its translations before it takes a
request, so no caller waits for them.
"""

import os

from django.core.wsgi import get_wsgi_application

from .warmup import warm_up

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")

application = get_wsgi_application()
warm_up()
