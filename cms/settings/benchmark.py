"""Settings for tests/benchmarks/api_load.py: production-like (DEBUG off, no
HTTPS redirect on loopback) plus the stock Wagtail API v2 listing the benchmark
compares against, mounted at /api/stock/v2/ only here."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", "benchmark-only-key")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "cms.benchmark_urls"
# Loopback load from one address: the sign-in throttle would stop the load generator.
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# The API benchmark measures the API, not search indexing on publish.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
