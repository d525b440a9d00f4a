"""The reader app's built front end (``reader/frontend``, ``npm run build``).

The build writes ``reader/static/reader/build.json``: the hashed names of the
bundle and the stylesheet, and a version the service worker caches under.
Read once per process (the files only change with a new build and a restart;
with ``DEBUG`` it is read again when it changes).
"""

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings

BUILD_DIR = Path(__file__).resolve().parent / "static" / "reader"
MANIFEST = BUILD_DIR / "build.json"


class MissingBuild(RuntimeError):
    """The front end was not built: run `npm ci && npm run build` in reader/frontend."""


@lru_cache(maxsize=4)
def _read(modified):
    return json.loads(MANIFEST.read_text())


def current_build():
    """``{"js", "css", "version"}`` of the built app; MissingBuild before a build."""
    try:
        modified = MANIFEST.stat().st_mtime if settings.DEBUG else 0
        return _read(modified)
    except FileNotFoundError as error:
        raise MissingBuild(MissingBuild.__doc__) from error


def service_worker_source():
    return (BUILD_DIR / "sw.js").read_text()
