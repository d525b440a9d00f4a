"""A web worker is ready before its first request (``cms.warmup``, called by
``cms.wsgi`` as a server loads the application).

Without it, a fresh gunicorn worker's first request imported the cache
backend, built Django's URL tables and set off the first full garbage
collection of everything the start had loaded: the stack test's search
outage scenario saw every worker's first search take 0.6 to 1.2 s.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.urls import clear_url_caches, reverse
from django.urls.resolvers import URLResolver
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
# Addresses requests reverse: a search hit that is an answer, the health
# check, the admin's home (``include``d URL modules have tables of their own).
NAMES = [("api_answer", [1]), ("healthz", []), ("wagtailadmin_home", [])]


def tables_built_by_requests():
    """How many URL tables (the root's and each included module's) requests
    in every language of ``LANGUAGES`` build to reverse ``NAMES``."""
    build = URLResolver._populate
    with mock.patch.object(URLResolver, "_populate", autospec=True, side_effect=build) as built:
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for name, args in NAMES:
                    reverse(name, args=args)
    return built.call_count


def test_a_cold_process_builds_the_url_tables_on_its_first_requests():
    """What the warm-up spares a worker's first caller, as the check sees it."""
    clear_url_caches()
    assert tables_built_by_requests() > len(settings.LANGUAGES)


WORKER = """
import gc, json
import cms.wsgi
from tests.cms.test_warmup import tables_built_by_requests
frozen, tracked = gc.get_freeze_count(), len(gc.get_objects())
print(json.dumps({"tables": tables_built_by_requests(), "frozen": frozen, "tracked": tracked}))
"""


def test_a_worker_loading_the_wsgi_application_is_warmed_up():
    """A fresh interpreter, as a gunicorn worker is: importing ``cms.wsgi``
    leaves no URL table for its first requests to build, and the objects
    it loaded out of the garbage collector's way."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", WORKER],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    worker = json.loads(result.stdout.strip().splitlines()[-1])
    assert worker["tables"] == 0
    # The start loads some 250,000 objects; what the check itself made is left.
    assert worker["frozen"] > 100_000
    assert worker["tracked"] < worker["frozen"] / 10
