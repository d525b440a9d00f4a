"""The LOGGING setting: everything to standard output, as JSON or as text.

``LOG_FORMAT=json`` (production's default) writes one JSON object per line
(``cms.logging.JsonFormatter``) for the log collector; ``text`` (the default
elsewhere) writes readable lines. Both carry the request id.
"""

from django.core.exceptions import ImproperlyConfigured

LOG_FORMATS = {
    "json": {"()": "cms.logging.JsonFormatter"},
    "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
}


def logging_config(log_format, level):
    """Django's LOGGING for ``log_format`` (json or text) at ``level``."""
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(
            f"The environment variable LOG_FORMAT is invalid: {log_format!r}; use json or text."
        )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "cms.logging.RequestIdFilter"}},
        "formatters": {"default": LOG_FORMATS[log_format]},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "filters": ["request_id"],
                "formatter": "default",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Every immediate task and page action logs at INFO; keep the output readable.
            "django_tasks": {"level": "WARNING"},
            "wagtail": {"level": "WARNING"},
        },
    }
