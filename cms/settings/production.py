"""Production: every secret and host list comes from the environment.

Refuses to start when SECRET_KEY or ALLOWED_HOSTS is missing, rather than
running with an insecure default.
"""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration

from .base import *  # noqa: F403
from .base import LOG_LEVEL, REDIS_URL, env, env_bool, env_list, require_env, task_backend
from .logs import logging_config

DEBUG = False
SECRET_KEY = require_env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or require_env("ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers probe the app over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# HSTS is hard to take back once browsers have it: start with an hour, for
# this host only, not preloaded. The operator raises SECURE_HSTS_SECONDS (and
# opts into subdomains and the preload list) once HTTPS is known to work
# everywhere.
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "3600"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# `check --deploy` warns while subdomains (W005) or preload (W021) are off:
# they are off by default on purpose, as said above.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cached for a year by browsers) and a gzip copy of each file,
    # written by collectstatic and served by whitenoise.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Without Redis, the cache is a database table (`manage.py createcachetable`)
# that every process shares: never per-process memory, where each process
# would count its own sign-in attempts and keep its own copies.
if not REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cache_table",
            "OPTIONS": {"MAX_ENTRIES": int(env("CACHE_MAX_ENTRIES", "5000"))},
        }
    }

# A worker runs the background tasks in production (deploy/: db_worker, run_scheduler).
TASKS = task_backend(env("TASKS_BACKEND", "database"))

# One JSON object per log line on standard output, for the log collector.
LOGGING = logging_config(env("LOG_FORMAT", "json"), LOG_LEVEL)

# Errors to Sentry when SENTRY_DSN is set: no personal data (addresses, user
# names, cookies), performance tracing off unless SENTRY_TRACES_SAMPLE_RATE.
SENTRY_DSN = env("SENTRY_DSN", "")
if SENTRY_DSN:
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        release=env("SENTRY_RELEASE") or None,
        traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
